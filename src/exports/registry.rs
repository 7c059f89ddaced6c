//! The mandate registry export: the mandates a caller may see, filtered
//! as the `mandates` query filters them, read page by page through its
//! service, with their delegatees and status on the day.

use chrono::NaiveDate;
use entity::{mandate_assignment, unit};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::sheet::{Cell, Column, Event, Rows, col, id_col, vn_date};
use super::*;
use crate::graphql::{NodeKind, decode_id_of};
use crate::mandates::{graphql as gql, service, status};
use crate::pagination::PageRequest;
use crate::units::service as units;

/// The parameters of `/export/mandates`.
pub(super) const PARAMETERS: &[&str] = &[
    "format",
    "within",
    "delegator",
    "delegatee",
    "status",
    "sector",
    "kind",
    "search",
    "asOf",
];

/// Rows read from the database at a time.
const PAGE: u64 = 500;

const COLUMNS: [Column; 13] = [
    col("number", "STT", 7.0),
    col("code", "Mã nội dung", 16.0),
    col("title", "Nội dung phân cấp, ủy quyền, phân quyền", 50.0),
    col("sector", "Lĩnh vực", 16.0),
    col("kind", "Hình thức", 14.0),
    col("delegator", "Cơ quan giao", 28.0),
    col("delegatees", "Cơ quan nhận", 36.0),
    col("effectiveFrom", "Hiệu lực từ ngày", 14.0),
    col("effectiveTo", "Hiệu lực đến ngày", 14.0),
    col("status", "Tình trạng", 14.0),
    id_col("id", "Id"),
    id_col("delegatorId", "Id cơ quan giao"),
    col("matterCode", "Mã TTHC", 14.0),
];

/// A GraphQL enum value given as a parameter.
fn enum_param<T: async_graphql::InputType>(params: &Params, key: &str) -> Refused<Option<T>> {
    params
        .get(key)
        .map(|text| {
            T::parse(Some(async_graphql::Value::Enum(async_graphql::Name::new(
                text,
            ))))
            .map_err(|_| {
                bad(format!(
                    "`{key}` `{text}` is not a value of {}",
                    T::type_name()
                ))
            })
        })
        .transpose()
}

/// A unit id given as a parameter, and the unit.
async fn unit_param(
    db: &DatabaseConnection,
    params: &Params,
    key: &'static str,
) -> Refused<Option<unit::Model>> {
    let Some(text) = params.get(key) else {
        return Ok(None);
    };
    let id = decode_id_of(NodeKind::Unit, key, &async_graphql::ID(text.to_owned()))
        .map_err(|_| bad(format!("`{key}` is not a unit's id")))?;
    match units::find(db, id).await? {
        Some(u) => Ok(Some(u)),
        None => Err(not_found("unit")),
    }
}

/// The export of the registry `viewer` may see.
pub(super) async fn export(
    db: &DatabaseConnection,
    viewer: Viewer,
    params: &Params,
    format: ExportFormat,
) -> Refused<Response> {
    let as_of = params.date("asOf")?.unwrap_or_else(crate::calendar::today);
    let within = unit_param(db, params, "within").await?;
    let delegator = unit_param(db, params, "delegator").await?;
    let delegatee = unit_param(db, params, "delegatee").await?;
    let search = crate::text::checked_opt("search", &params.get("search").map(str::to_owned), 100)?;
    let filter = service::MandateFilter {
        delegator: delegator.map(|u| u.id),
        delegatee: delegatee.map(|u| u.id),
        within: within.as_ref().map(|u| u.path.clone()),
        sector: enum_param::<gql::Sector>(params, "sector")?.map(Into::into),
        kind: enum_param::<gql::MandateKind>(params, "kind")?.map(Into::into),
        status: enum_param::<gql::MandateStatus>(params, "status")?.map(Into::into),
        search,
    };
    // The issuer: the unit listed within, else the caller's first scope.
    let issuer = within.or_else(|| viewer.grants.first().map(|g| g.scope.clone()));
    let heading = match issuer {
        Some(issuer) => {
            heading_for(
                db,
                &issuer,
                "DANH MỤC NỘI DUNG PHÂN CẤP, ỦY QUYỀN, PHÂN QUYỀN".into(),
                format!("(Tính đến ngày {})", vn_date(as_of)),
                crate::calendar::today(),
            )
            .await?
        }
        None => sheet::Heading {
            title: "DANH MỤC NỘI DUNG PHÂN CẤP, ỦY QUYỀN, PHÂN QUYỀN".into(),
            subtitle: format!("(Tính đến ngày {})", vn_date(as_of)),
            ..Default::default()
        },
    };
    let stem = format!("noi-dung-phan-cap-{as_of}");
    let rows = produce(db.clone(), move |db, rows| {
        write(db, rows, viewer, filter, as_of)
    });
    Ok(sheet::respond(format, heading, &stem, None, rows).await)
}

async fn write(
    db: DatabaseConnection,
    rows: Rows,
    viewer: Viewer,
    filter: service::MandateFilter,
    as_of: NaiveDate,
) -> AppResult<()> {
    let table = Event::Table {
        key: "mandates",
        title: "Danh mục nội dung".into(),
        columns: COLUMNS.to_vec(),
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let mut page = PageRequest {
        limit: PAGE,
        after: None,
        before: None,
        backward: false,
        descending: false,
    };
    let mut number = 0;
    loop {
        let found = service::list(&db, Some(&viewer), &filter, as_of, &page, None).await?;
        let ids: Vec<_> = found.items.iter().map(|m| m.id).collect();
        let assignments = mandate_assignment::Entity::find()
            .filter(mandate_assignment::Column::MandateId.is_in(ids))
            .all(&db)
            .await?;
        let mut unit_ids: Vec<_> = found
            .items
            .iter()
            .map(|m| m.delegator_unit_id)
            .chain(assignments.iter().map(|a| a.delegatee_unit_id))
            .collect();
        unit_ids.sort();
        unit_ids.dedup();
        let named: HashMap<_, _> = units::find_many(&db, &unit_ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        for m in &found.items {
            number += 1;
            let mine: Vec<&mandate_assignment::Model> = assignments
                .iter()
                .filter(|a| a.mandate_id == m.id)
                .collect();
            let statuses = mine.iter().filter_map(|a| {
                named
                    .get(&a.delegatee_unit_id)
                    .map(|u| status::assignment(m, a, u, as_of))
            });
            let state = status::mandate(m, statuses, as_of);
            let delegatees: Vec<&str> = mine
                .iter()
                .filter(|a| {
                    named.get(&a.delegatee_unit_id).is_some_and(|u| {
                        !matches!(
                            status::assignment(m, a, u, as_of),
                            status::AssignmentStatus::Transferred
                        )
                    })
                })
                .filter_map(|a| named.get(&a.delegatee_unit_id).map(|u| u.name.as_str()))
                .collect();
            let row = vec![
                Cell::Int(number),
                Cell::Text(m.code.clone()),
                Cell::Text(m.title.clone()),
                Cell::Text(m.sector.to_value()),
                Cell::labelled(gql::MandateKind::from(m.kind)),
                Cell::text_opt(named.get(&m.delegator_unit_id).map(|u| u.name.as_str())),
                Cell::Text(delegatees.join("; ")),
                Cell::Date(m.effective_from),
                Cell::date_opt(m.effective_to),
                Cell::labelled(gql::MandateStatus::from(state)),
                Cell::Id(NodeKind::Mandate, m.id),
                Cell::Id(NodeKind::Unit, m.delegator_unit_id),
                Cell::Text(m.matter_code.clone()),
            ];
            if !send(&rows, Event::Row(row)).await {
                return Ok(());
            }
        }
        match (found.has_next, found.items.last()) {
            (true, Some(last)) => page.after = Some(service::cursor(last)),
            _ => return Ok(()),
        }
    }
}
