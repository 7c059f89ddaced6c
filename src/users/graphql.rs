//! GraphQL face of identity: `me`, `login`, and the ADMIN mutations on
//! users and grants.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{app_user, role_grant};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::{login, service};
use crate::auth::viewer::active_grants;
use crate::auth::{Authority, RoleGuard, TokenService};
use crate::error::{AppError, AppResult};
use crate::graphql::ClientAddr;
use crate::graphql::ContextExt;
use crate::graphql::{DateTime, NodeKind, UserError, decode_id_of, encode_id, split};
use crate::metrics::Metrics;
use crate::units;
use crate::units::graphql::{Unit, unit_by_id};

/// What a role grant lets its holder do within its scope.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::role_grant::Role")]
pub enum Role {
    /// Read everything in scope.
    Viewer,
    /// Draft, edit and submit its unit's reports, proposals, task updates.
    Reporter,
    /// Accept or return reports whose recipient is in scope.
    Reviewer,
    /// Issue, amend, revoke mandates whose delegator is in scope; sign reports.
    Approver,
    /// Manage reporting regimes, periods and compiled reports (Sở Nội vụ).
    Coordinator,
    /// Appraise delegation proposals (Sở Tư pháp).
    LegalReviewer,
    /// Record inspections and findings; read the audit trail (Thanh tra).
    Inspector,
    /// Manage units, users and grants; read the audit trail.
    Admin,
}

crate::labels!(Role {
    Viewer => "Người xem",
    Reporter => "Người lập báo cáo",
    Reviewer => "Người duyệt báo cáo",
    Approver => "Người phê duyệt",
    Coordinator => "Đầu mối tổng hợp",
    LegalReviewer => "Người thẩm định",
    Inspector => "Thanh tra viên",
    Admin => "Quản trị hệ thống",
});

/// A person or a machine client.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::app_user::UserKind")]
pub enum UserKind {
    /// A person, who signs in with a password.
    Human,
    /// Another agency's system, which uses a long-lived token.
    Service,
}

crate::labels!(UserKind {
    Human => "Người dùng",
    Service => "Hệ thống liên thông",
});

/// A user of phancap.
pub struct User(pub app_user::Model);

/// A user of phancap: a person who signs in with a password, or another
/// agency's system with a long-lived token. Readable by the user and by
/// holders of a grant over their home unit.
#[Object]
impl User {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::User, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Sign-in name (lower case).
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// Person or service account.
    async fn kind(&self) -> UserKind {
        self.0.kind.into()
    }

    /// False once deactivated: neither sign-in nor tokens work.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Where notices are e-mailed; shown to the user and to ADMINs over
    /// their home unit (null to others, and when none is set).
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let Some(viewer) = ctx.viewer() else {
            return Ok(None);
        };
        if viewer.user.id != self.0.id {
            let home = units::service::existing(ctx.db(), self.0.home_unit_id).await?;
            if viewer
                .grant_covering(entity::role_grant::Role::Admin, &home)
                .is_none()
            {
                return Ok(None);
            }
        }
        Ok(self.0.email.as_deref())
    }

    /// When the user was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The unit the user belongs to.
    async fn home_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.home_unit_id, None).await
    }

    /// The user's unrevoked role grants.
    async fn grants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RoleGrant>> {
        let db = ctx.db();
        let grants = active_grants(db, &self.0).await?;
        Ok(grants.into_iter().map(|g| RoleGrant(g.grant)).collect())
    }
}

/// A role held over a unit's subtree.
pub struct RoleGrant(pub role_grant::Model);

/// A role held over a unit's subtree: the grant covers the scope unit and
/// every unit below it.
#[Object]
impl RoleGrant {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::RoleGrant, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// The unit whose subtree the grant covers.
    async fn scope(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.scope_unit_id, None).await
    }

    /// When it was granted.
    async fn granted_at(&self) -> DateTime {
        DateTime(self.0.granted_at)
    }

    /// When it was revoked; null while in force.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

/// The user `id` names, if the viewer may read it (FORBIDDEN otherwise).
pub async fn user_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<User>> {
    let viewer = ctx.signed_in()?;
    let db = ctx.db();
    let Some(user) = app_user::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let home = units::service::existing(db, user.home_unit_id).await?;
    if !service::can_read(viewer, &user, &home) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(User(user)))
}

/// The grant `id` names, if the viewer may read its user.
pub async fn grant_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<RoleGrant>> {
    let db = ctx.db();
    let Some(grant) = role_grant::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    user_node(ctx, grant.user_id).await?;
    Ok(Some(RoleGrant(grant)))
}

/// Identity queries.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user with their grants; null for an anonymous caller.
    async fn me(&self, ctx: &Context<'_>) -> Option<User> {
        ctx.viewer().map(|v| User(v.user.clone()))
    }
}

/// Sign-in credentials.
#[derive(InputObject)]
pub struct LoginInput {
    /// Sign-in name (any case), at most 64 characters.
    #[graphql(validator(max_length = 64))]
    pub username: String,
    /// Password, at most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub password: String,
}

/// The result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: Option<String>,
    /// When the token stops working.
    pub expires_at: Option<DateTime>,
    /// Who signed in.
    pub user: Option<User>,
    /// INVALID_CREDENTIALS (never saying which part was wrong) or THROTTLED.
    pub user_errors: Vec<UserError>,
}

/// A new user.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// 3 to 64 letters, digits, dots, dashes or underscores (stored lower case).
    #[graphql(validator(max_length = 64))]
    pub username: String,
    /// Full name, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub full_name: String,
    /// Id of the unit the user belongs to; must be in your ADMIN scope.
    pub home_unit: ID,
    /// A person (default) or a service account.
    #[graphql(default_with = "UserKind::Human")]
    pub kind: UserKind,
    /// Required for a person (10 to 200 characters); none for a service.
    #[graphql(validator(max_length = 200))]
    pub password: Option<String>,
}

/// A role to grant.
#[derive(InputObject)]
pub struct GrantRoleInput {
    /// The user, active and in your ADMIN scope.
    pub user: ID,
    /// The role to grant.
    pub role: Role,
    /// The unit whose subtree the grant covers; you must hold `role` over it.
    pub scope: ID,
}

/// A grant to revoke.
#[derive(InputObject)]
pub struct RevokeGrantInput {
    /// The grant (`RoleGrant.id`), not yet revoked.
    pub grant: ID,
}

/// A user to deactivate.
#[derive(InputObject)]
pub struct DeactivateUserInput {
    /// The user; not yourself.
    pub user: ID,
}

/// A new password for the signed-in user.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// Your password now; after 5 wrong ones in 15 minutes, THROTTLED.
    #[graphql(validator(max_length = 200))]
    pub current_password: String,
    /// The new password, 10 to 200 characters. Tokens issued before stop
    /// working.
    #[graphql(validator(max_length = 200))]
    pub new_password: String,
}

/// The result of a mutation on a user.
#[derive(SimpleObject)]
pub struct UserPayload {
    /// The user as changed; null when the change was refused.
    pub user: Option<User>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of a mutation on a grant.
#[derive(SimpleObject)]
pub struct RoleGrantPayload {
    /// The grant as changed; null when the change was refused.
    pub grant: Option<RoleGrant>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

fn user_payload(result: AppResult<app_user::Model>) -> async_graphql::Result<UserPayload> {
    let (user, user_errors) = split(result)?;
    Ok(UserPayload {
        user: user.map(User),
        user_errors,
    })
}

fn grant_payload(result: AppResult<role_grant::Model>) -> async_graphql::Result<RoleGrantPayload> {
    let (grant, user_errors) = split(result)?;
    Ok(RoleGrantPayload {
        grant: grant.map(RoleGrant),
        user_errors,
    })
}

/// Identity mutations.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Signs in with a username and password. After 5 failures in 15
    /// minutes the username is locked for 15 minutes (THROTTLED).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Username and password.")] input: LoginInput,
    ) -> async_graphql::Result<LoginPayload> {
        let db = ctx.db();
        let tokens = ctx.data_unchecked::<Arc<TokenService>>();
        let origin = login::Origin {
            client: ctx.data_opt::<ClientAddr>().map(|c| c.0),
            metrics: ctx.data_opt::<Arc<Metrics>>().map(Arc::as_ref),
        };
        let (session, user_errors) =
            split(login::login(db, tokens, &input.username, &input.password, origin).await)?;
        Ok(match session {
            Some(s) => LoginPayload {
                access_token: Some(s.access_token),
                expires_at: Some(DateTime(s.expires_at)),
                user: Some(User(s.user)),
                user_errors,
            },
            None => LoginPayload {
                access_token: None,
                expires_at: None,
                user: None,
                user_errors,
            },
        })
    }

    /// Creates a user in your ADMIN scope.
    #[graphql(guard = "RoleGuard(&[entity::role_grant::Role::Admin])")]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user to create.")] input: CreateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        let viewer = ctx.signed_in()?;
        let home = decode_id_of(NodeKind::Unit, "homeUnit", &input.home_unit)?;
        let create = service::CreateUser {
            username: input.username,
            full_name: input.full_name,
            home_unit: home,
            kind: input.kind.into(),
            password: input.password,
        };
        let db = ctx.db();
        user_payload(service::create_user(db, Authority::Viewer(viewer), create).await)
    }

    /// Grants a role over a unit's subtree to a user in your ADMIN scope.
    /// You can only grant a role over a scope that you hold yourself.
    #[graphql(guard = "RoleGuard(&[entity::role_grant::Role::Admin])")]
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, the role and the unit whose subtree it covers.")]
        input: GrantRoleInput,
    ) -> async_graphql::Result<RoleGrantPayload> {
        let viewer = ctx.signed_in()?;
        let user = decode_id_of(NodeKind::User, "user", &input.user)?;
        let scope = decode_id_of(NodeKind::Unit, "scope", &input.scope)?;
        let db = ctx.db();
        grant_payload(
            service::grant_role(
                db,
                Authority::Viewer(viewer),
                user,
                input.role.into(),
                scope,
            )
            .await,
        )
    }

    /// Revokes a grant whose scope is in your ADMIN scope.
    #[graphql(guard = "RoleGuard(&[entity::role_grant::Role::Admin])")]
    async fn revoke_grant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The grant to revoke.")] input: RevokeGrantInput,
    ) -> async_graphql::Result<RoleGrantPayload> {
        let viewer = ctx.signed_in()?;
        let grant = decode_id_of(NodeKind::RoleGrant, "grant", &input.grant)?;
        let db = ctx.db();
        grant_payload(service::revoke_grant(db, Authority::Viewer(viewer), grant).await)
    }

    /// Deactivates a user in your ADMIN scope (not yourself).
    #[graphql(guard = "RoleGuard(&[entity::role_grant::Role::Admin])")]
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user to deactivate.")] input: DeactivateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        let viewer = ctx.signed_in()?;
        let user = decode_id_of(NodeKind::User, "user", &input.user)?;
        let db = ctx.db();
        user_payload(service::deactivate_user(db, Authority::Viewer(viewer), user).await)
    }

    /// Changes your own password.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Your current password and the new one.")] input: ChangePasswordInput,
    ) -> async_graphql::Result<UserPayload> {
        let viewer = ctx.signed_in()?;
        let db = ctx.db();
        user_payload(
            service::change_password(db, viewer, &input.current_password, &input.new_password)
                .await,
        )
    }
}
