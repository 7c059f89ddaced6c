//! The report export: a unit's report (its items and its figures) or the
//! compiled province report (its tables by unit, by mandate and by
//! sector, as computed when it was last compiled), for whoever may read
//! the report in GraphQL.

use std::collections::HashMap;

use entity::{
    mandate, regime_indicator, report, report_item, report_value, reporting_period,
    reporting_regime, unit,
};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::sheet::{Cell, Column, Event, Rows, col, id_col, vn_date};
use super::*;
use crate::graphql::{NodeKind, decode_id_of};
use crate::reporting::graphql as gql;
use crate::reporting::reports::{self as service, ItemTotals, Tables};
use crate::units::service as units;

/// Rows read from the database at a time.
const PAGE: u64 = 500;

/// The tables of a unit report, in order.
const UNIT_TABLES: [&str; 2] = ["items", "values"];
/// The tables of a compiled report, in order.
const COMPILED_TABLES: [&str; 3] = ["units", "mandates", "sectors"];

const ITEM_COLUMNS: [Column; 12] = [
    col("number", "STT", 7.0),
    col("mandateCode", "Mã nội dung", 16.0),
    col("mandateTitle", "Nội dung phân cấp, ủy quyền", 45.0),
    col("implementationStatus", "Tình hình thực hiện", 16.0),
    col("proceduresReceived", "Số hồ sơ TTHC tiếp nhận", 12.0),
    col("resolvedOnTime", "Giải quyết đúng hạn", 12.0),
    col("resolvedLate", "Giải quyết quá hạn", 12.0),
    col("pending", "Đang giải quyết", 12.0),
    col("difficulties", "Khó khăn, vướng mắc", 30.0),
    col("proposal", "Đề xuất", 12.0),
    col("proposalNote", "Nội dung đề xuất", 30.0),
    id_col("mandateId", "Id nội dung"),
];

const VALUE_COLUMNS: [Column; 6] = [
    col("number", "STT", 7.0),
    col("indicatorCode", "Mã chỉ tiêu", 16.0),
    col("indicatorName", "Tên chỉ tiêu", 45.0),
    col("measure", "Đơn vị tính", 12.0),
    col("value", "Giá trị", 14.0),
    col("textValue", "Ghi chú", 30.0),
];

/// The totals columns every compiled table ends with.
const TOTALS: [Column; 14] = [
    col("items", "Số nội dung", 10.0),
    col("notStarted", "Chưa triển khai", 10.0),
    col("inProgress", "Đang triển khai", 10.0),
    col("done", "Đã hoàn thành", 10.0),
    col("blocked", "Vướng mắc", 10.0),
    col("unanswered", "Chưa đánh giá", 10.0),
    col("proceduresReceived", "Hồ sơ TTHC tiếp nhận", 11.0),
    col("resolvedOnTime", "Đúng hạn", 10.0),
    col("resolvedLate", "Quá hạn", 10.0),
    col("pending", "Đang giải quyết", 10.0),
    col("keep", "Đề xuất giữ nguyên", 10.0),
    col("amend", "Đề xuất sửa đổi", 10.0),
    col("revoke", "Đề xuất bãi bỏ", 10.0),
    col("expand", "Đề xuất mở rộng", 10.0),
];

fn with_totals(head: &[Column], ids: &[Column]) -> Vec<Column> {
    head.iter()
        .chain(TOTALS.iter())
        .chain(ids.iter())
        .copied()
        .collect()
}

fn totals(t: &ItemTotals) -> impl Iterator<Item = Cell> {
    [
        t.items,
        t.statuses.not_started,
        t.statuses.in_progress,
        t.statuses.done,
        t.statuses.blocked,
        t.statuses.unanswered,
        t.procedures.received,
        t.procedures.on_time,
        t.procedures.late,
        t.procedures.pending,
        t.proposals.keep,
        t.proposals.amend,
        t.proposals.revoke,
        t.proposals.expand,
    ]
    .into_iter()
    .map(Cell::Int)
}

/// Vietnamese name of a report status value (`SUBMITTED`): the label of
/// `ReportStatus`, or the value itself if it is none of its values.
fn report_status_name(status: &str) -> &str {
    use async_graphql::InputType;
    let value = async_graphql::Value::Enum(async_graphql::Name::new(status));
    gql::ReportStatus::parse(Some(value)).map_or(status, |s| crate::labels::Labelled::label(s))
}

/// The export of report `id` if `viewer` may read it (`reports::can_see`,
/// as `node` and the `reports` list decide); 404 otherwise.
pub(super) async fn export(
    db: &DatabaseConnection,
    viewer: Viewer,
    id: &str,
    format: ExportFormat,
    table: Option<&str>,
) -> Refused<Response> {
    let id = decode_id_of(NodeKind::Report, "id", &async_graphql::ID(id.to_owned()))
        .map_err(|_| bad("the id is not a report's id"))?;
    let found = async {
        let Some(r) = report::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        let recipient = units::existing(db, r.recipient_unit_id).await?;
        if !service::can_see(Some(&viewer), &r.reporter_path, &recipient.path) {
            return Ok(None);
        }
        let reporter = units::existing(db, r.reporter_unit_id).await?;
        let period = reporting_period::Entity::find_by_id(r.period_id)
            .one(db)
            .await?;
        let regime = reporting_regime::Entity::find_by_id(r.regime_id)
            .one(db)
            .await?;
        Ok::<_, AppError>(Some((r, reporter, period, regime)))
    };
    let (r, reporter, period, regime) = found.await?.ok_or_else(|| not_found("report"))?;
    let tables: &[&str] = if r.compiled {
        &COMPILED_TABLES
    } else {
        &UNIT_TABLES
    };
    if let Some(t) = table {
        if !tables.contains(&t) {
            return Err(bad(format!(
                "`table` of this report is one of {}",
                tables.join(", ")
            )));
        }
        if format != ExportFormat::Csv {
            return Err(bad(
                "`table` picks the one table of a CSV; XLSX and NDJSON carry all",
            ));
        }
    }
    let title = regime
        .as_ref()
        .map_or_else(|| "BÁO CÁO".to_owned(), |g| g.name.to_uppercase());
    let subtitle = match &period {
        Some(p) => format!(
            "(Kỳ báo cáo {}: từ ngày {} đến ngày {})",
            p.code,
            vn_date(p.data_from),
            vn_date(p.data_to)
        ),
        None => format!("(Kỳ báo cáo {})", r.period_code),
    };
    let dated = r
        .submitted_at
        .map_or_else(crate::calendar::today, crate::calendar::day_of);
    let heading = heading_for(db, &reporter, title, subtitle, dated).await?;
    let stem = format!(
        "bao-cao-{}-{}{}",
        reporter.code,
        r.period_code,
        if r.compiled { "-TH" } else { "" }
    );
    let only = table.map(str::to_owned);
    let rows = if r.compiled {
        produce(db.clone(), move |db, rows| compiled(db, rows, r))
    } else {
        produce(db.clone(), move |db, rows| unit_report(db, rows, r))
    };
    Ok(sheet::respond(format, heading, &stem, only, rows).await)
}

/// The items, then the figures, of a unit report.
async fn unit_report(db: DatabaseConnection, rows: Rows, r: report::Model) -> AppResult<()> {
    let table = Event::Table {
        key: "items",
        title: "I. Tình hình thực hiện".into(),
        columns: ITEM_COLUMNS.to_vec(),
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let mut after: Option<Uuid> = None;
    let mut number = 0;
    loop {
        let mut query = report_item::Entity::find().filter(report_item::Column::ReportId.eq(r.id));
        if let Some(after) = after {
            query = query.filter(report_item::Column::Id.gt(after));
        }
        let items = query
            .order_by_asc(report_item::Column::Id)
            .limit(PAGE)
            .all(&db)
            .await?;
        let ids: Vec<Uuid> = items.iter().map(|i| i.mandate_id).collect();
        let mandates: HashMap<Uuid, mandate::Model> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(ids))
            .all(&db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        for item in &items {
            number += 1;
            let m = mandates.get(&item.mandate_id);
            let row = vec![
                Cell::Int(number),
                Cell::text_opt(m.map(|m| m.code.as_str())),
                Cell::text_opt(m.map(|m| m.title.as_str())),
                item.implementation_status.map_or(Cell::Empty, |s| {
                    Cell::labelled(gql::ImplementationStatus::from(s))
                }),
                Cell::int_opt(item.procedures_received),
                Cell::int_opt(item.resolved_on_time),
                Cell::int_opt(item.resolved_late),
                Cell::int_opt(item.pending),
                Cell::text_opt(item.difficulties.as_deref()),
                item.proposal
                    .map_or(Cell::Empty, |p| Cell::labelled(gql::Proposal::from(p))),
                Cell::text_opt(item.proposal_note.as_deref()),
                Cell::Id(NodeKind::Mandate, item.mandate_id),
            ];
            if !send(&rows, Event::Row(row)).await {
                return Ok(());
            }
        }
        match items.last() {
            Some(last) if items.len() as u64 == PAGE => after = Some(last.id),
            _ => break,
        }
    }
    let table = Event::Table {
        key: "values",
        title: "II. Số liệu".into(),
        columns: VALUE_COLUMNS.to_vec(),
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let indicators: HashMap<String, regime_indicator::Model> = regime_indicator::Entity::find()
        .filter(regime_indicator::Column::RegimeId.eq(r.regime_id))
        .all(&db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let mut after: Option<String> = None;
    let mut number = 0;
    loop {
        let mut query =
            report_value::Entity::find().filter(report_value::Column::ReportId.eq(r.id));
        if let Some(after) = &after {
            query = query.filter(report_value::Column::IndicatorCode.gt(after.as_str()));
        }
        let values = query
            .order_by_asc(report_value::Column::IndicatorCode)
            .limit(PAGE)
            .all(&db)
            .await?;
        for v in &values {
            number += 1;
            let indicator = indicators.get(&v.indicator_code);
            let row = vec![
                Cell::Int(number),
                Cell::Text(v.indicator_code.clone()),
                Cell::text_opt(indicator.map(|i| i.name.as_str())),
                Cell::text_opt(indicator.map(|i| i.measure.as_str())),
                Cell::Number(v.value),
                Cell::text_opt(v.text_value.as_deref()),
            ];
            if !send(&rows, Event::Row(row)).await {
                return Ok(());
            }
        }
        match values.last() {
            Some(last) if values.len() as u64 == PAGE => after = Some(last.indicator_code.clone()),
            _ => return Ok(()),
        }
    }
}

/// The tables of a compiled report. They are stored as one JSON document
/// when compiled, so they are read whole; the units and mandates they
/// name are read a page at a time.
async fn compiled(db: DatabaseConnection, rows: Rows, r: report::Model) -> AppResult<()> {
    let tables: Tables = match service::compilation_of(&db, r.id).await? {
        Some(c) => serde_json::from_str(&c.tables).map_err(AppError::internal)?,
        None => Tables::default(),
    };
    let columns = with_totals(
        &[
            col("number", "STT", 7.0),
            col("unitCode", "Mã đơn vị", 12.0),
            col("unitName", "Đơn vị báo cáo", 32.0),
            col("status", "Trạng thái", 14.0),
            col("late", "Gửi muộn", 9.0),
            col("firstSubmittedOn", "Ngày gửi", 12.0),
            col("included", "Được tổng hợp", 10.0),
        ],
        &[
            id_col("unitId", "Id đơn vị"),
            id_col("reportId", "Id báo cáo"),
        ],
    );
    let table = Event::Table {
        key: "units",
        title: "I. Tổng hợp theo đơn vị".into(),
        columns,
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let mut number = 0;
    for page in tables.by_unit.chunks(PAGE as usize) {
        let ids: Vec<Uuid> = page.iter().map(|row| row.unit_id).collect();
        let named: HashMap<Uuid, unit::Model> = units::find_many(&db, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        for row in page {
            number += 1;
            let u = named.get(&row.unit_id);
            let cells = [
                Cell::Int(number),
                Cell::text_opt(u.map(|u| u.code.as_str())),
                Cell::text_opt(u.map(|u| u.name.as_str())),
                Cell::Coded {
                    code: row.status.clone(),
                    label: report_status_name(&row.status).into(),
                },
                Cell::Bool(row.late),
                Cell::date_opt(row.first_submitted_at.map(crate::calendar::day_of)),
                Cell::Bool(row.included),
            ]
            .into_iter()
            .chain(totals(&row.totals))
            .chain([
                Cell::Id(NodeKind::Unit, row.unit_id),
                Cell::Id(NodeKind::Report, row.report_id),
            ])
            .collect();
            if !send(&rows, Event::Row(cells)).await {
                return Ok(());
            }
        }
    }
    let columns = with_totals(
        &[
            col("number", "STT", 7.0),
            col("mandateCode", "Mã nội dung", 16.0),
            col("mandateTitle", "Nội dung phân cấp, ủy quyền", 40.0),
            col("sector", "Lĩnh vực", 14.0),
        ],
        &[id_col("mandateId", "Id nội dung")],
    );
    let table = Event::Table {
        key: "mandates",
        title: "II. Tổng hợp theo nội dung".into(),
        columns,
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    let mut number = 0;
    for page in tables.by_mandate.chunks(PAGE as usize) {
        let ids: Vec<Uuid> = page.iter().map(|row| row.mandate_id).collect();
        let named: HashMap<Uuid, mandate::Model> = mandate::Entity::find()
            .filter(mandate::Column::Id.is_in(ids))
            .all(&db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        for row in page {
            number += 1;
            let m = named.get(&row.mandate_id);
            let cells = [
                Cell::Int(number),
                Cell::text_opt(m.map(|m| m.code.as_str())),
                Cell::text_opt(m.map(|m| m.title.as_str())),
                m.map_or(Cell::Empty, |m| Cell::Text(m.sector.to_value())),
            ]
            .into_iter()
            .chain(totals(&row.totals))
            .chain([Cell::Id(NodeKind::Mandate, row.mandate_id)])
            .collect();
            if !send(&rows, Event::Row(cells)).await {
                return Ok(());
            }
        }
    }
    let columns = with_totals(
        &[
            col("number", "STT", 7.0),
            col("sector", "Lĩnh vực", 20.0),
            col("mandates", "Số nội dung được giao", 12.0),
        ],
        &[],
    );
    let table = Event::Table {
        key: "sectors",
        title: "III. Tổng hợp theo lĩnh vực".into(),
        columns,
    };
    if !send(&rows, table).await {
        return Ok(());
    }
    for (i, row) in tables.by_sector.iter().enumerate() {
        let cells = [
            Cell::Int(i as i64 + 1),
            Cell::Text(row.sector.to_value()),
            Cell::Int(row.mandates),
        ]
        .into_iter()
        .chain(totals(&row.totals))
        .collect();
        if !send(&rows, Event::Row(cells)).await {
            return Ok(());
        }
    }
    Ok(())
}
