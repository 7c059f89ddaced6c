//! ADMIN changes to the unit tree: provincial bodies are created, units
//! renamed and ended (never deleted). Each change is scoped, checked and
//! audited in one transaction.

use chrono::NaiveDate;
use entity::role_grant::Role;
use entity::unit::{self, AdminType, UnitKind};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::service::{NewUnit, existing, in_force, strictly_below};
use crate::audit::{self, Actor, Change};
use crate::auth::Authority;
use crate::calendar;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::text;

/// A new department or other body under a province.
pub struct CreateUnit {
    pub parent: Uuid,
    pub code: String,
    pub name: String,
    pub admin_type: AdminType,
    pub valid_from: NaiveDate,
    /// Last day in force, for a body recorded after it ended; within the
    /// province's validity.
    pub valid_to: Option<NaiveDate>,
}

/// The audit form of a unit.
pub fn unit_json(unit: &unit::Model) -> Value {
    json!({
        "id": unit.id,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind.to_value(),
        "adminType": unit.admin_type.to_value(),
        "parentId": unit.parent_id,
        "validFrom": unit.valid_from,
        "validTo": unit.valid_to,
    })
}

/// Records a change of `after` (created when `before` is None).
async fn audit_unit(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    before: Option<&unit::Model>,
    after: &unit::Model,
) -> AppResult<()> {
    let change = Change {
        action,
        entity_type: "Unit",
        entity_id: after.id,
        scope_unit_id: Some(after.id),
        before: before.map(unit_json),
        after: Some(unit_json(after)),
    };
    audit::record(txn, actor, change).await?;
    Ok(())
}

fn check_code(code: &str) -> AppResult<()> {
    let ok = (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && code.bytes().any(|b| b.is_ascii_alphabetic());
    if ok {
        Ok(())
    } else {
        // GSO codes are all digits and belong to the imported units.
        Err(AppError::rule(
            Some("code"),
            UserErrorCode::InvalidCode,
            "a body's code has 2 to 32 letters, digits or dashes and at least one letter (e.g. 19-SNV)",
        ))
    }
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || !crate::text::readable(name) {
        return Err(AppError::rule(
            Some("name"),
            UserErrorCode::InvalidName,
            "a name has 1 to 200 characters, with no control or text-direction characters",
        ));
    }
    Ok(name.to_owned())
}

fn check_body_type(admin_type: AdminType) -> AppResult<()> {
    match admin_type {
        AdminType::So
        | AdminType::VanPhong
        | AdminType::ThanhTra
        | AdminType::Ban
        | AdminType::Dvsncl => Ok(()),
        _ => Err(AppError::rule(
            Some("adminType"),
            UserErrorCode::InvalidAdminType,
            "a provincial body is a SO, VAN_PHONG, THANH_TRA, BAN or DVSNCL",
        )),
    }
}

/// Creates a department (sở, ban, Văn phòng, Thanh tra) under a province.
pub async fn create_unit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    input: CreateUnit,
) -> AppResult<unit::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let parent = existing(&txn, input.parent).await?;
    let actor = by.require(Role::Admin, &parent)?;
    if parent.kind != UnitKind::Province {
        return Err(AppError::rule(
            Some("parent"),
            UserErrorCode::ParentNotProvince,
            "bodies are created under a province",
        ));
    }
    if !in_force(&parent, input.valid_from) {
        return Err(AppError::rule(
            Some("validFrom"),
            UserErrorCode::ParentNotInForce,
            "the province is not in force on validFrom",
        ));
    }
    if input.valid_to.is_some_and(|to| to < input.valid_from) {
        return Err(AppError::rule(
            Some("validTo"),
            UserErrorCode::InvalidDate,
            "validTo is before validFrom",
        ));
    }
    // A body lives within its province: under a province that has ended
    // (or will), it ends by then too.
    if let Some(end) = parent.valid_to
        && input.valid_to.is_none_or(|to| to > end)
    {
        return Err(AppError::rule(
            Some("validTo"),
            UserErrorCode::OutsideParentValidity,
            format!("{} ends on {end}; the body must end by then", parent.name),
        ));
    }
    check_code(&input.code)?;
    let name = check_name(&input.name)?;
    check_body_type(input.admin_type)?;
    let clash = unit::Entity::find()
        .filter(unit::Column::Code.eq(input.code.as_str()))
        .filter(
            Condition::any()
                .add(unit::Column::ValidTo.is_null())
                .add(unit::Column::ValidTo.gte(input.valid_from)),
        )
        .count(&txn)
        .await?;
    if clash > 0 {
        return Err(AppError::rule(
            Some("code"),
            UserErrorCode::DuplicateCode,
            format!(
                "code {} is already used by a unit in force then",
                input.code
            ),
        ));
    }
    let created = NewUnit {
        code: &input.code,
        name: &name,
        kind: UnitKind::Department,
        admin_type: input.admin_type,
        valid_from: Some(input.valid_from),
        valid_to: input.valid_to,
    }
    .under(Some(&parent));
    created.clone().into_active_model().insert(&txn).await?;
    audit_unit(&txn, &actor, "createUnit", None, &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a unit or changes a body's type; the unit must be in force today.
pub async fn update_unit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    name: Option<String>,
    admin_type: Option<AdminType>,
) -> AppResult<unit::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = existing(&txn, id).await?;
    let actor = by.require(Role::Admin, &before)?;
    if !in_force(&before, calendar::today()) {
        return Err(AppError::rule(
            None,
            UserErrorCode::UnitNotInForce,
            "only a unit in force today can be changed",
        ));
    }
    let mut after = before.clone();
    if let Some(name) = name {
        after.name = check_name(&name)?;
        after.search_name = text::fold(&after.name);
        after.name_key = text::unit_name_key(&after.name);
    }
    if let Some(admin_type) = admin_type {
        if before.kind != UnitKind::Department {
            return Err(AppError::rule(
                Some("adminType"),
                UserErrorCode::InvalidAdminType,
                "the type of an administrative unit changes only by reorganisation",
            ));
        }
        check_body_type(admin_type)?;
        after.admin_type = admin_type;
    }
    if after == before {
        return Err(AppError::rule(
            None,
            UserErrorCode::NothingToChange,
            "give a new name or type",
        ));
    }
    let mut row = before.clone().into_active_model();
    row.name = Set(after.name.clone());
    row.search_name = Set(after.search_name.clone());
    row.name_key = Set(after.name_key.clone());
    row.admin_type = Set(after.admin_type);
    row.update(&txn).await?;
    audit_unit(&txn, &actor, "updateUnit", Some(&before), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// Ends a unit on `valid_to` (its last day in force); its children must
/// have ended by then.
pub async fn end_unit(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    valid_to: NaiveDate,
) -> AppResult<unit::Model> {
    let txn = crate::db::begin_write(db, crate::db::WriteSet::Delegation).await?;
    let before = existing(&txn, id).await?;
    let actor = by.require(Role::Admin, &before)?;
    if before.valid_to.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::AlreadyEnded,
            "the unit has already ended",
        ));
    }
    if before.valid_from.is_some_and(|from| valid_to < from) {
        return Err(AppError::rule(
            Some("validTo"),
            UserErrorCode::InvalidDate,
            "validTo is before validFrom",
        ));
    }
    let open_children = unit::Entity::find()
        .filter(strictly_below(&before.path))
        .filter(
            Condition::any()
                .add(unit::Column::ValidTo.is_null())
                .add(unit::Column::ValidTo.gt(valid_to)),
        )
        .count(&txn)
        .await?;
    if open_children > 0 {
        return Err(AppError::rule(
            Some("validTo"),
            UserErrorCode::HasUnitsInForce,
            format!("{open_children} unit(s) below stay in force after that date; end them first"),
        ));
    }
    let mut row = before.clone().into_active_model();
    row.valid_to = Set(Some(valid_to));
    let after = row.update(&txn).await?;
    audit_unit(&txn, &actor, "endUnit", Some(&before), &after).await?;
    txn.commit().await?;
    Ok(after)
}
