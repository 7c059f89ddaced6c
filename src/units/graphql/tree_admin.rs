//! Mutations of the unit tree (ADMIN): create, update and end a unit.

use super::*;

/// A new department or other body under a province.
#[derive(InputObject)]
pub struct CreateUnitInput {
    /// Id of the province the body belongs to (in your ADMIN scope).
    pub parent: ID,
    /// 2 to 32 letters, digits or dashes with at least one letter, e.g. `19-SNV`.
    #[graphql(validator(max_length = 32))]
    pub code: String,
    /// Official name, 1 to 200 characters, e.g. "Sở Nội vụ".
    #[graphql(validator(max_length = 200))]
    pub name: String,
    /// SO, VAN_PHONG, THANH_TRA, BAN or DVSNCL.
    pub admin_type: AdminType,
    /// First day in force (default today); the province must be in force
    /// then.
    pub valid_from: Option<Date>,
    /// Last day in force, to record a body that has ended; required (and
    /// no later than the province's end) under a province that has ended.
    pub valid_to: Option<Date>,
}

/// New values for a unit; give at least one.
#[derive(InputObject)]
pub struct UpdateUnitInput {
    /// The unit to change; it must be in force today and in your ADMIN scope.
    pub id: ID,
    /// New official name, 1 to 200 characters.
    #[graphql(validator(max_length = 200))]
    pub name: Option<String>,
    /// New type (SO, VAN_PHONG, THANH_TRA, BAN or DVSNCL); only for a provincial
    /// body.
    pub admin_type: Option<AdminType>,
}

/// The end of a unit.
#[derive(InputObject)]
pub struct EndUnitInput {
    /// The unit to end; every unit below it must have ended by `validTo`.
    pub id: ID,
    /// Last day in force (not before its `validFrom`).
    pub valid_to: Date,
}

/// The result of a mutation on a unit.
#[derive(SimpleObject)]
pub struct UnitPayload {
    /// The unit as changed; null when the change was refused.
    pub unit: Option<Unit>,
    /// Why the change was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

pub(super) fn unit_payload(result: AppResult<unit::Model>) -> async_graphql::Result<UnitPayload> {
    let (unit, user_errors) = split(result)?;
    Ok(UnitPayload {
        unit: unit.map(|m| Unit::new(m, calendar::today())),
        user_errors,
    })
}

/// ADMIN changes to the unit tree.
#[derive(Default)]
pub struct UnitMutation;

#[Object]
impl UnitMutation {
    /// Creates a department or other body under a province in your ADMIN scope.
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    pub(super) async fn create_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body to create.")] input: CreateUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let create = admin::CreateUnit {
            parent: decode_id_of(NodeKind::Unit, "parent", &input.parent)?,
            code: text::checked("code", &input.code, 64)?.to_owned(),
            name: input.name,
            admin_type: input.admin_type.into(),
            valid_from: input.valid_from.map_or_else(calendar::today, |d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
        };
        let db = ctx.db();
        unit_payload(admin::create_unit(db, Authority::Viewer(viewer), create).await)
    }

    /// Renames a unit in your ADMIN scope, or changes a body's type.
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    pub(super) async fn update_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit and its new values.")] input: UpdateUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Unit, "id", &input.id)?;
        let db = ctx.db();
        let result = admin::update_unit(
            db,
            Authority::Viewer(viewer),
            id,
            input.name,
            input.admin_type.map(Into::into),
        )
        .await;
        unit_payload(result)
    }

    /// Ends a unit in your ADMIN scope (sets `validTo`; nothing is deleted).
    #[graphql(guard = "RoleGuard(&[Role::Admin])")]
    pub(super) async fn end_unit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The unit and its last day.")] input: EndUnitInput,
    ) -> async_graphql::Result<UnitPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Unit, "id", &input.id)?;
        let db = ctx.db();
        unit_payload(admin::end_unit(db, Authority::Viewer(viewer), id, input.valid_to.0).await)
    }
}
