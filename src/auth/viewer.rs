//! The authenticated caller and what their grants cover.

use async_graphql::{Context, Guard};
use entity::role_grant::{self, Role};
use entity::{app_user, unit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::tokens::Subject;
use crate::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::graphql::ContextExt;
use crate::units::service as units;

/// A grant with its scope unit.
#[derive(Debug, Clone)]
pub struct ScopedGrant {
    pub grant: role_grant::Model,
    pub scope: unit::Model,
}

impl ScopedGrant {
    /// Whether `target` is the scope unit or lies below it. Paths never
    /// change, so this is the subtree of the scope on any date; the
    /// services refuse writes to units not in force on the action's date.
    pub fn covers(&self, target: &unit::Model) -> bool {
        target.path.starts_with(&self.scope.path)
    }
}

/// The token a websocket connection signed in with. A subscription checks
/// it again when it starts and at every event, and ends when it expires,
/// so that a deactivated user, a changed password or an ended token stops
/// the listening.
#[derive(Debug, Clone)]
pub struct Session {
    pub subject: Subject,
    /// `exp` of the token, Unix seconds.
    pub expires: i64,
}

impl Session {
    /// When the token expires, for a timer.
    pub fn deadline(&self) -> tokio::time::Instant {
        let left = self.expires - chrono::Utc::now().timestamp();
        tokio::time::Instant::now() + std::time::Duration::from_secs(left.max(0) as u64)
    }

    /// The session's viewer as the database has it now, with current
    /// grants; None once the token has expired or no longer names an
    /// active user under its token version.
    pub async fn viewer(&self, db: &impl ConnectionTrait) -> AppResult<Option<Viewer>> {
        if chrono::Utc::now().timestamp() >= self.expires {
            return Ok(None);
        }
        Viewer::load(db, &self.subject).await
    }
}

/// The signed-in user of a request, with their active grants.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: app_user::Model,
    pub grants: Vec<ScopedGrant>,
}

impl Viewer {
    /// The viewer a token names; None when the user is unknown or
    /// inactive, or the token was issued before the user's password was
    /// changed or the user deactivated (another token version).
    pub async fn load(db: &impl ConnectionTrait, subject: &Subject) -> AppResult<Option<Viewer>> {
        let query = app_user::Entity::find().filter(app_user::Column::Active.eq(true));
        let user = match subject {
            Subject::User { id, version } => query
                .filter(app_user::Column::Id.eq(*id))
                .filter(app_user::Column::TokenVersion.eq(*version)),
            Subject::Username(name) => query.filter(app_user::Column::Username.eq(name.as_str())),
        }
        .one(db)
        .await?;
        let Some(user) = user else { return Ok(None) };
        let grants = active_grants(db, &user).await?;
        Ok(Some(Viewer { user, grants }))
    }

    /// Whether one of the viewer's grants, of any role, covers `target`.
    pub fn covers(&self, target: &unit::Model) -> bool {
        self.covers_path(&target.path)
    }

    /// Whether one of the viewer's grants covers the unit at `path`.
    pub fn covers_path(&self, path: &str) -> bool {
        self.grants.iter().any(|g| path.starts_with(&g.scope.path))
    }

    /// The viewer and session an `Authorization` header value names: None
    /// when it is not a bearer token, or the token is invalid, expired or
    /// of a user who is unknown, inactive or of another token version.
    /// POST requests and websocket connections both sign in here.
    pub async fn from_authorization(
        db: &impl ConnectionTrait,
        tokens: &super::TokenService,
        header: &str,
    ) -> AppResult<Option<(Viewer, Session)>> {
        let Some(verified) = super::tokens::bearer(header).and_then(|t| tokens.verify(t)) else {
            return Ok(None);
        };
        let session = Session {
            subject: verified.subject,
            expires: verified.expires,
        };
        Ok(Viewer::load(db, &session.subject)
            .await?
            .map(|viewer| (viewer, session)))
    }

    /// Whether the viewer holds `role` anywhere.
    pub fn holds(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.grant.role == role)
    }

    /// The viewer's grant of `role` that covers `target`, if any.
    pub fn grant_covering(&self, role: Role, target: &unit::Model) -> Option<&ScopedGrant> {
        self.grants
            .iter()
            .find(|g| g.grant.role == role && g.covers(target))
    }

    /// The grant of `role` covering `target`, or FORBIDDEN.
    pub fn require(&self, role: Role, target: &unit::Model) -> AppResult<&ScopedGrant> {
        self.grant_covering(role, target).ok_or(AppError::Forbidden)
    }

    /// The actor of an audit event done under `role`.
    pub fn actor(&self, role: Option<Role>) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            username: self.user.username.clone(),
            role,
        }
    }

    /// The scope units of the viewer's grants of any of `roles`.
    pub fn scopes(&self, roles: &[Role]) -> Vec<&unit::Model> {
        self.grants
            .iter()
            .filter(|g| roles.contains(&g.grant.role))
            .map(|g| &g.scope)
            .collect()
    }
}

/// The unrevoked grants of `user`, with their scope units.
pub async fn active_grants(
    db: &impl ConnectionTrait,
    user: &app_user::Model,
) -> AppResult<Vec<ScopedGrant>> {
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user.id))
        .filter(role_grant::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    let ids: Vec<_> = grants.iter().map(|g| g.scope_unit_id).collect();
    let scopes = units::find_many(db, &ids).await?;
    Ok(grants
        .into_iter()
        .filter_map(|grant| {
            let scope = scopes.iter().find(|u| u.id == grant.scope_unit_id)?.clone();
            Some(ScopedGrant { grant, scope })
        })
        .collect())
}

/// The request's viewer, or UNAUTHENTICATED for an anonymous caller.
pub fn viewer<'a>(ctx: &'a Context<'_>) -> AppResult<&'a Viewer> {
    ctx.viewer().ok_or(AppError::Unauthenticated)
}

/// A coarse gate on a field: the viewer must hold one of the roles
/// somewhere (the service then checks the scope).
pub struct RoleGuard(pub &'static [Role]);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let viewer = ctx.signed_in()?;
        if self.0.iter().any(|r| viewer.holds(*r)) {
            Ok(())
        } else {
            Err(AppError::Forbidden.into())
        }
    }
}

/// On whose authority a change is made: a signed-in viewer, whose grants
/// are checked, or the command line, run by the server's operator.
#[derive(Debug, Clone, Copy)]
pub enum Authority<'a> {
    Viewer(&'a Viewer),
    Cli,
}

impl Authority<'_> {
    /// The audit actor for a change allowed under `role` over `target`, or
    /// FORBIDDEN when a viewer holds no such grant.
    pub fn require(&self, role: Role, target: &unit::Model) -> AppResult<Actor> {
        match self {
            Authority::Viewer(viewer) => viewer
                .require(role, target)
                .map(|g| viewer.actor(Some(g.grant.role))),
            Authority::Cli => Ok(Actor::cli()),
        }
    }

    /// The viewer's user id, if a viewer acts.
    pub fn user_id(&self) -> Option<uuid::Uuid> {
        match self {
            Authority::Viewer(viewer) => Some(viewer.user.id),
            Authority::Cli => None,
        }
    }
}

impl Authority<'_> {
    /// The audit actor for an act that needs `role` somewhere (FORBIDDEN
    /// when a viewer holds it nowhere).
    pub fn require_anywhere(&self, role: Role) -> AppResult<Actor> {
        match self {
            Authority::Viewer(viewer) if viewer.holds(role) => Ok(viewer.actor(Some(role))),
            Authority::Viewer(_) => Err(AppError::Forbidden),
            Authority::Cli => Ok(Actor::cli()),
        }
    }

    /// The actor for `role` over any of `targets`, or FORBIDDEN.
    pub fn require_any(&self, role: Role, targets: &[unit::Model]) -> AppResult<Actor> {
        targets
            .iter()
            .find_map(|t| self.require(role, t).ok())
            .ok_or(AppError::Forbidden)
    }
}
