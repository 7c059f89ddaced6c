//! The unit tree export: a unit and its whole subtree on a date, ordered
//! by code, read page by page through the `units` query's service.

use chrono::NaiveDate;
use entity::unit::{self, AdminType, UnitKind};
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

/// Vietnamese name of a level.
fn kind_name(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "Cấp tỉnh",
        UnitKind::Department => "Cơ quan cấp tỉnh",
        UnitKind::District => "Cấp huyện",
        UnitKind::Commune => "Cấp xã",
    }
}

/// The export of `id`'s subtree on `as_of`, for any signed-in caller (the
/// tree is public in GraphQL; exports ask for a sign-in because of their
/// size).
pub(super) async fn export(
    db: &DatabaseConnection,
    _viewer: Viewer,
    id: &str,
    as_of: Option<NaiveDate>,
    format: ExportFormat,
) -> Refused<Response> {
    let id = decode_id_of(NodeKind::Unit, "id", &ID(id.to_owned()))
        .map_err(|_| bad("the id is not a unit's id"))?;
    let root = units::find(db, id)
        .await?
        .ok_or_else(|| not_found("unit"))?;
    let as_of = as_of.unwrap_or_else(|| {
        crate::calendar::clamp(crate::calendar::today(), root.valid_from, root.valid_to)
    });
    let heading = heading_for(
        db,
        &root,
        "DANH MỤC ĐƠN VỊ HÀNH CHÍNH".into(),
        format!("(Tại ngày {})", vn_date(as_of)),
        crate::calendar::today(),
    )
    .await?;
    let stem = format!("don-vi-{}-{}", root.code, as_of);
    let rows = produce(db.clone(), move |db, rows| write(db, rows, root, as_of));
    Ok(sheet::respond(format, heading, &stem, None, rows).await)
}

fn row(number: i64, u: &unit::Model, parent_code: Option<&str>) -> Vec<Cell> {
    vec![
        Cell::Int(number),
        Cell::Text(u.code.clone()),
        Cell::Text(u.name.clone()),
        Cell::Text(kind_name(u.kind).into()),
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
    root: unit::Model,
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
    let parent = match root.parent_id {
        Some(p) => units::find(&db, p).await?,
        None => None,
    };
    if !send(
        &rows,
        Event::Row(row(1, &root, parent.as_ref().map(|p| p.code.as_str()))),
    )
    .await
    {
        return Ok(());
    }
    let filter = UnitFilter {
        kind: None,
        within: Some(root.path.clone()),
        parent: None,
        search: None,
        as_of,
    };
    let mut page = PageRequest {
        limit: PAGE,
        after: None,
        before: None,
        backward: false,
    };
    let mut number = 1;
    loop {
        let found = units::list(&db, &filter, &page).await?;
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
