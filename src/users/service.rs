//! Creating users, granting and revoking roles, deactivating, changing
//! passwords. Every change is scoped to the actor's ADMIN grants, refuses
//! escalation, and is audited in its transaction.

use chrono::Utc;
use entity::app_user::{self, UserKind};
use entity::role_grant::{self, Role};
use entity::unit;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use sea_orm::sea_query::{Expr, ExprTrait};

use crate::audit::{self, Change, service::role_name};
use crate::auth::{Authority, Viewer, password};
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::units::service::existing as existing_unit;

/// A new user.
pub struct CreateUser {
    pub username: String,
    pub full_name: String,
    pub home_unit: Uuid,
    pub kind: UserKind,
    /// Required for a person; a service account has none (it uses tokens).
    pub password: Option<String>,
}

/// The audit form of a user: never the password hash.
pub fn user_json(user: &app_user::Model) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "fullName": user.full_name,
        "homeUnitId": user.home_unit_id,
        "kind": if user.kind == UserKind::Human { "HUMAN" } else { "SERVICE" },
        "active": user.active,
    })
}

fn grant_json(grant: &role_grant::Model) -> Value {
    json!({
        "id": grant.id,
        "userId": grant.user_id,
        "role": role_name(grant.role),
        "scopeUnitId": grant.scope_unit_id,
        "grantedBy": grant.granted_by,
        "revokedAt": grant.revoked_at,
    })
}

/// Usernames are lower case: letters, digits, `.`, `_`, `-`, 3 to 64.
pub fn normalize_username(username: &str) -> AppResult<String> {
    let name = username.trim().to_lowercase();
    let ok = (3..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(AppError::rule(
            Some("username"),
            UserErrorCode::InvalidUsername,
            "a username has 3 to 64 letters, digits, dots, dashes or underscores",
        ))
    }
}

/// A user that must exist.
pub async fn existing(db: &impl ConnectionTrait, id: Uuid) -> AppResult<app_user::Model> {
    app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("user"))
}

/// A user by username.
pub async fn by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> AppResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// Creates a user whose home unit is within the actor's ADMIN scope.
pub async fn create_user(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: CreateUser,
) -> AppResult<app_user::Model> {
    // Everything up to the password hash is checked before the
    // transaction opens: hashing takes tens of milliseconds, during which
    // no connection is held.
    let home = existing_unit(db, input.home_unit).await?;
    let actor = by.require(Role::Admin, &home)?;
    let username = normalize_username(&input.username)?;
    let full_name = input.full_name.trim().to_owned();
    if full_name.is_empty() || full_name.chars().count() > 200 || !crate::text::readable(&full_name)
    {
        return Err(AppError::rule(
            Some("fullName"),
            UserErrorCode::InvalidName,
            "a full name has 1 to 200 characters",
        ));
    }
    let password_hash = match (input.kind, input.password.as_deref()) {
        (UserKind::Human, Some(pw)) => {
            password::check_policy(pw)
                .map_err(|m| AppError::rule(Some("password"), UserErrorCode::WeakPassword, m))?;
            Some(password::hash_async(pw).await?)
        }
        (UserKind::Human, None) => {
            return Err(AppError::rule(
                Some("password"),
                UserErrorCode::WeakPassword,
                "a person needs a password",
            ));
        }
        (UserKind::Service, None) => None,
        (UserKind::Service, Some(_)) => {
            return Err(AppError::rule(
                Some("password"),
                UserErrorCode::ServiceHasNoPassword,
                "a service account signs in with a token, not a password",
            ));
        }
    };
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Identity).await?;
    if by_username(&txn, &username).await?.is_some() {
        return Err(AppError::rule(
            Some("username"),
            UserErrorCode::UsernameTaken,
            "that username is taken",
        ));
    }
    let user = app_user::Model {
        id: Uuid::now_v7(),
        username,
        full_name,
        home_unit_id: home.id,
        kind: input.kind,
        password_hash,
        active: true,
        created_at: Utc::now(),
        token_version: 0,
        email: None,
    };
    user.clone().into_active_model().insert(&txn).await?;
    audit::record(
        &txn,
        &actor,
        Change {
            action: "createUser",
            entity_type: "User",
            entity_id: user.id,
            scope_unit_id: Some(home.id),
            before: None,
            after: Some(user_json(&user)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Grants `role` over `scope` to a user. The actor needs ADMIN over the
/// user's home unit and must hold `role` over `scope` themselves: nobody
/// grants more than they have.
pub async fn grant_role(
    db: &DatabaseConnection,
    by: Authority<'_>,
    user_id: Uuid,
    role: Role,
    scope_id: Uuid,
) -> AppResult<role_grant::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Identity).await?;
    let user = existing(&txn, user_id).await?;
    let home = existing_unit(&txn, user.home_unit_id).await?;
    let scope = existing_unit(&txn, scope_id).await?;
    let actor = by.require(Role::Admin, &home)?;
    by.require(role, &scope)?;
    if !user.active {
        return Err(AppError::rule(
            Some("user"),
            UserErrorCode::UserInactive,
            "the user is deactivated",
        ));
    }
    let duplicate = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user.id))
        .filter(role_grant::Column::Role.eq(role))
        .filter(role_grant::Column::ScopeUnitId.eq(scope.id))
        .filter(role_grant::Column::RevokedAt.is_null())
        .count(&txn)
        .await?;
    if duplicate > 0 {
        return Err(AppError::rule(
            None,
            UserErrorCode::DuplicateGrant,
            "the user already holds that role over that unit",
        ));
    }
    let grant = role_grant::Model {
        id: Uuid::now_v7(),
        user_id: user.id,
        role,
        scope_unit_id: scope.id,
        granted_by: by.user_id(),
        granted_at: Utc::now(),
        revoked_at: None,
    };
    grant.clone().into_active_model().insert(&txn).await?;
    audit::record(
        &txn,
        &actor,
        Change {
            action: "grantRole",
            entity_type: "RoleGrant",
            entity_id: grant.id,
            scope_unit_id: Some(scope.id),
            before: None,
            after: Some(grant_json(&grant)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(grant)
}

/// Revokes a grant; the actor needs ADMIN over the grant's scope.
pub async fn revoke_grant(
    db: &DatabaseConnection,
    by: Authority<'_>,
    grant_id: Uuid,
) -> AppResult<role_grant::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Identity).await?;
    let before = role_grant::Entity::find_by_id(grant_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("role grant"))?;
    let scope = existing_unit(&txn, before.scope_unit_id).await?;
    let actor = by.require(Role::Admin, &scope)?;
    if before.revoked_at.is_some() {
        return Err(AppError::rule(
            Some("grant"),
            UserErrorCode::AlreadyRevoked,
            "the grant is already revoked",
        ));
    }
    let mut row = before.clone().into_active_model();
    row.revoked_at = Set(Some(Utc::now()));
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        &actor,
        Change {
            action: "revokeGrant",
            entity_type: "RoleGrant",
            entity_id: after.id,
            scope_unit_id: Some(scope.id),
            before: Some(grant_json(&before)),
            after: Some(grant_json(&after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Deactivates a user (who can then neither sign in nor use a token).
pub async fn deactivate_user(
    db: &DatabaseConnection,
    by: Authority<'_>,
    user_id: Uuid,
) -> AppResult<app_user::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Identity).await?;
    let before = existing(&txn, user_id).await?;
    let home = existing_unit(&txn, before.home_unit_id).await?;
    let actor = by.require(Role::Admin, &home)?;
    if by.user_id() == Some(before.id) {
        return Err(AppError::rule(
            Some("user"),
            UserErrorCode::CannotDeactivateSelf,
            "ask another administrator",
        ));
    }
    if !before.active {
        return Err(AppError::rule(
            Some("user"),
            UserErrorCode::AlreadyInactive,
            "the user is already deactivated",
        ));
    }
    let mut row = before.clone().into_active_model();
    row.active = Set(false);
    // Its tokens end now, and stay ended should it be reactivated.
    row.token_version = Set(before.token_version + 1);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        &actor,
        Change {
            action: "deactivateUser",
            entity_type: "User",
            entity_id: after.id,
            scope_unit_id: Some(home.id),
            before: Some(user_json(&before)),
            after: Some(user_json(&after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Changes the viewer's own password, given the current one, and ends
/// every token issued before (the caller signs in again). The passwords are
/// hashed before the transaction opens; the change applies only if the
/// password did not change meanwhile (CONFLICT otherwise).
pub async fn change_password(
    db: &DatabaseConnection,
    viewer: &Viewer,
    current: &str,
    new: &str,
) -> AppResult<app_user::Model> {
    let user = existing(db, viewer.user.id).await?;
    // Wrong current passwords are counted like sign-ins, before the check:
    // a stolen token must not become a way to guess the password.
    let key = format!("password:{}", user.id);
    let now = Utc::now().timestamp();
    let (attempts, _) =
        super::login::count_attempt(db, &key, super::login::MAX_FAILURES, now).await?;
    if attempts > super::login::MAX_FAILURES {
        tracing::warn!(target: "phancap::security", username = %user.username, "password change refused: too many wrong current passwords");
        return Err(AppError::rule(
            Some("currentPassword"),
            UserErrorCode::Throttled,
            "too many wrong current passwords; try again in 15 minutes",
        ));
    }
    let matches = match user.password_hash.as_deref() {
        Some(hash) if current.chars().count() <= password::MAX_LENGTH => {
            password::verify_async(current, Some(hash)).await?
        }
        _ => false,
    };
    if !matches {
        tracing::warn!(target: "phancap::security", username = %user.username, "password change refused: wrong current password");
        return Err(AppError::rule(
            Some("currentPassword"),
            UserErrorCode::InvalidCredentials,
            "the current password is not correct",
        ));
    }
    entity::login_throttle::Entity::delete_by_id(key)
        .exec(db)
        .await?;
    password::check_policy(new)
        .map_err(|m| AppError::rule(Some("newPassword"), UserErrorCode::WeakPassword, m))?;
    let new_hash = password::hash_async(new).await?;
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Identity).await?;
    let changed = app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(new_hash))
        .col_expr(
            app_user::Column::TokenVersion,
            Expr::col(app_user::Column::TokenVersion).add(1),
        )
        .filter(app_user::Column::Id.eq(user.id))
        .filter(app_user::Column::PasswordHash.eq(user.password_hash.clone()))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the password was changed meanwhile; sign in again".into(),
        ));
    }
    let after = existing(&txn, user.id).await?;
    audit::record(
        &txn,
        &viewer.actor(None),
        Change {
            action: "changePassword",
            entity_type: "User",
            entity_id: user.id,
            scope_unit_id: Some(user.home_unit_id),
            before: None,
            after: Some(json!({ "passwordChanged": true })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Whether `viewer` may read `user`: themselves, or a user whose home unit
/// one of their grants covers.
pub fn can_read(viewer: &Viewer, user: &app_user::Model, home: &unit::Model) -> bool {
    viewer.user.id == user.id || viewer.covers(home)
}
