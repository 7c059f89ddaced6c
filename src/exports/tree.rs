//! The unit tree export: a unit and its whole subtree on a date, or the
//! national tree, ordered by code, read page by page through the `units`
//! query's service.

use chrono::NaiveDate;
use entity::unit::{self, AdminType};
use sea_orm::ActiveEnum;

use super::sheet::{Cell, Column, Event, Rows, col, id_col, vn_date};
use super::*;
use crate::graphql::{NodeKind, decode_id_of};
use crate::pagination::PageRequest;
use crate::units::service::{self as units, UnitFilter};
use async_graphql::ID;

/// Rows read from the database at a time.
const PAGE: u64 = 500;

const COLUMNS: [Column; 10] = [
    col("number", "STT", 7.0),
    col("code", "Mã đơn vị", 12.0),
    col("name", "Tên đơn vị", 40.0),
    col("kind", "Cấp", 14.0),
    col("adminType", "Loại", 14.0),
    col("parentCode", "Mã đơn vị cấp trên", 14.0),
    col("validFrom", "Hiệu lực từ ngày", 14.0),
    col("validTo", "Hiệu lực đến ngày", 14.0),
    id_col("id", "Id"),
    id_col("parentId", "Id đơn vị cấp trên"),
];

/// The export of `id`'s subtree on `as_of`, or of every unit in force
/// on `as_of` when `id` is None (the national tree; the root first, then
/// by code), for any signed-in caller (the
/// tree is public in GraphQL; exports ask for a sign-in because of their
/// size).
pub(super) async fn export(
    db: &DatabaseConnection,
    _viewer: Viewer,
    id: Option<&str>,
    as_of: Option<NaiveDate>,
    format: ExportFormat,
) -> Refused<Response> {
    let today = crate::calendar::today();
    let root = match id {
        Some(id) => {
            let id = decode_id_of(NodeKind::Unit, "id", &ID(id.to_owned()))
                .map_err(|_| bad("the id is not a unit's id"))?;
            Some(
                units::find(db, id)
                    .await?
                    .ok_or_else(|| not_found("unit"))?,
            )
        }
        None => None,
    };
    let as_of = as_of.unwrap_or_else(|| match &root {
        Some(root) => crate::calendar::clamp(today, root.valid_from, root.valid_to),
        None => today,
    });
    let title = "DANH MỤC ĐƠN VỊ HÀNH CHÍNH".to_owned();
    let subtitle = format!("(Tại ngày {})", vn_date(as_of));
    let (heading, stem) = match &root {
        Some(root) => (
            heading_for(db, root, title, subtitle, today).await?,
            format!("don-vi-{}-{}", root.code, as_of),
        ),
        None => (
            sheet::Heading {
                place_date: capitalised(&sheet::long_date(today)),
                title: format!("{title} TOÀN QUỐC"),
                subtitle,
                ..sheet::Heading::default()
            },
            format!("don-vi-toan-quoc-{as_of}"),
        ),
    };
    let rows = produce(db.clone(), move |db, rows| write(db, rows, root, as_of));
    Ok(sheet::respond(format, heading, &stem, None, rows).await)
}

/// "Ngày 01 tháng 12 năm 2026" from "ngày 01 …".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn row(number: i64, u: &unit::Model, parent_code: Option<&str>) -> Vec<Cell> {
    vec![
        Cell::Int(number),
        Cell::Text(u.code.clone()),
        Cell::Text(u.name.clone()),
        Cell::labelled(crate::units::graphql::UnitKind::from(u.kind)),
        Cell::Text(admin_type_name(u.admin_type)),
        Cell::text_opt(parent_code),
        Cell::date_opt(u.valid_from),
        Cell::date_opt(u.valid_to),
        Cell::Id(NodeKind::Unit, u.id),
        u.parent_id
            .map_or(Cell::Empty, |p| Cell::Id(NodeKind::Unit, p)),
    ]
}

fn admin_type_name(t: AdminType) -> String {
    t.to_value()
}

async fn write(
    db: DatabaseConnection,
    rows: Rows,
    root: Option<unit::Model>,
    as_of: NaiveDate,
) -> AppResult<()> {
    let table = Event::Table {
        key: "units",
        title: "Danh mục đơn vị".into(),
        columns: COLUMNS.to_vec(),
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let mut number = 0;
    if let Some(root) = &root {
        let parent = match root.parent_id {
            Some(p) => units::find(&db, p).await?,
            None => None,
        };
        number += 1;
        let first = row(number, root, parent.as_ref().map(|p| p.code.as_str()));
        if !send(&rows, Event::Row(first)).await {
            return Ok(());
        }
    }
    let filter = UnitFilter {
        kind: None,
        within: root.map(|r| r.path),
        parent: None,
        search: None,
        as_of,
    };
    let mut page = PageRequest {
        limit: PAGE,
        after: None,
        before: None,
        backward: false,
        descending: false,
    };
    loop {
        // Rows need neither path nor search name: lean.
        let found = units::list(&db, &filter, &page, None, true).await?;
        let mut parent_ids: Vec<_> = found.items.iter().filter_map(|u| u.parent_id).collect();
        parent_ids.sort();
        parent_ids.dedup();
        let parents = units::find_many(&db, &parent_ids).await?;
        for u in &found.items {
            number += 1;
            let parent_code = u
                .parent_id
                .and_then(|p| parents.iter().find(|x| x.id == p))
                .map(|p| p.code.as_str());
            if !send(&rows, Event::Row(row(number, u, parent_code))).await {
                return Ok(());
            }
        }
        match (found.has_next, found.items.last()) {
            (true, Some(last)) => page.after = Some(units::cursor(last)),
            _ => return Ok(()),
        }
    }
}
