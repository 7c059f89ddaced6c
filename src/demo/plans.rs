//! The demo plan: Kế hoạch 89/KH-UBND of 9 April 2025 (seed 002) entered
//! as data, its four contents with their real lead bodies, coordinators,
//! outputs and times, and the state a year and a half on: one part
//! accepted, one returned, one late and explained, progress on the
//! monitoring content. The districts the plan named were abolished on
//! 1 July 2025; their share is given to the communes that carry their
//! work on. The plan states no number of days after the ministries'
//! documents: the demo gives 10 working days.

use chrono::NaiveDate;
use entity::task;

use super::*;
use crate::plans::progress::{self, Progress};
use crate::plans::service::{self as plans, AssigneeGroup, NewPlanTask};
use crate::plans::time::TaskTime;

/// Working days the demo gives after an awaited ministry document.
const AFTER_MINISTRY: u32 = 10;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

/// Enters 89/KH-UBND unless a plan is registered on it; returns how many
/// tasks it wrote (0 when it was there).
pub(super) async fn load_plans(db: &DatabaseConnection) -> Result<usize, BoxError> {
    let doc = documents::by_number(db, "89/KH-UBND", None)
        .await?
        .ok_or("demo document 89/KH-UBND is missing")?;
    let taken = {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        entity::plan::Entity::find()
            .filter(entity::plan::Column::DocumentId.eq(doc.id))
            .count(db)
            .await?
    };
    if taken > 0 {
        return Ok(0);
    }
    let cli = Authority::Cli;
    let plan = plans::create_plan(
        db,
        cli,
        plans::NewPlan {
            document: doc.id,
            monitor: None,
        },
    )
    .await?;
    let snv = demo_unit(db, "19-SNV").await?;
    let content = |title: &str,
                   body: Option<&str>,
                   leads: Vec<Uuid>,
                   groups: Vec<AssigneeGroup>,
                   coordinators: Option<&str>,
                   output: Option<&str>,
                   time: TaskTime| NewPlanTask {
        plan: plan.id,
        title: title.into(),
        content: body.map(str::to_owned),
        output: output.map(str::to_owned),
        leads,
        lead_groups: groups,
        coordinators: Vec::new(),
        coordinator_groups: Vec::new(),
        coordinators_note: coordinators.map(str::to_owned),
        time,
    };
    let first = plans::add_plan_task(
        db,
        cli,
        content(
            "Tổ chức quán triệt, phổ biến, truyền thông về nội dung, quy định của Luật Tổ chức chính quyền địa phương và các quy định về phân định thẩm quyền, phân quyền, phân cấp",
            Some("Cơ quan chủ trì: các sở, ban, ngành, UBND các huyện, thành phố (từ 01/7/2025 phần của các huyện do UBND các xã, phường kế thừa)."),
            Vec::new(),
            vec![AssigneeGroup::Departments, AssigneeGroup::Communes],
            Some("Các cơ quan báo chí và các cơ quan, tổ chức liên quan"),
            None,
            TaskTime::Date { due: d("2025-04-15") },
        ),
    )
    .await?;
    let second = plans::add_plan_task(
        db,
        cli,
        content(
            "Phối hợp rà soát, xác định nội dung tại các điều, khoản, điểm của luật, nghị quyết của Quốc hội, pháp lệnh, nghị quyết của Ủy ban Thường vụ Quốc hội quy định về chức năng, nhiệm vụ, quyền hạn của chính quyền địa phương để đề xuất điều chỉnh thống nhất",
            None,
            Vec::new(),
            vec![AssigneeGroup::Departments],
            Some("UBND các huyện, thành phố"),
            Some("Kết quả rà soát gửi về Sở Tư pháp tổng hợp"),
            TaskTime::AfterDocument {
                working_days: AFTER_MINISTRY,
                note: Some("Sau khi có văn bản rà soát của Bộ, ngành trung ương".into()),
            },
        ),
    )
    .await?;
    let third = plans::add_plan_task(
        db,
        cli,
        content(
            "Đề xuất nội dung văn bản quy phạm pháp luật của Chính phủ điều chỉnh nhiệm vụ, quyền hạn của chính quyền địa phương đối với một số vấn đề ưu tiên, cấp bách về phân quyền, phân cấp",
            Some("Căn cứ vào Kế hoạch phát triển kinh tế xã hội 05 năm 2021 - 2025 và 2026 - 2030 của tỉnh, phối hợp đề xuất nội dung văn bản quy phạm pháp luật của Chính phủ điều chỉnh nhiệm vụ, quyền hạn của chính quyền địa phương đối với một số vấn đề ưu tiên, cấp bách về phân quyền, phân cấp."),
            Vec::new(),
            vec![AssigneeGroup::Departments],
            Some("UBND các huyện, thành phố"),
            Some("Đề xuất gửi về Sở Nội vụ tổng hợp"),
            TaskTime::AfterDocument {
                working_days: AFTER_MINISTRY,
                note: Some("Sau khi có văn bản yêu cầu của Bộ, ngành trung ương".into()),
            },
        ),
    )
    .await?;
    let fourth = plans::add_plan_task(
        db,
        cli,
        content(
            "Theo dõi, đôn đốc, hướng dẫn, kiểm tra việc tổ chức triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp theo quy định tại Luật Tổ chức chính quyền địa phương",
            None,
            vec![snv.id],
            Vec::new(),
            None,
            None,
            TaskTime::Window {
                from: d("2025-04-01"),
                to: d("2026-12-31"),
            },
        ),
    )
    .await?;
    let part = |code: &str| -> Result<task::Model, BoxError> {
        first
            .parts
            .iter()
            .find(|t| t.code.ends_with(&format!("-{code}")))
            .cloned()
            .ok_or_else(|| format!("content 1 has no part for {code}").into())
    };
    let late = |cause: &str, who: &str, percent: i32, note: &str| Progress {
        percent,
        note: Some(note.into()),
        evidence: Vec::new(),
        cause: Some(cause.into()),
        responsible_person: Some(who.into()),
    };
    // Sở Nội vụ held its conference late, explained, and it was accepted.
    let t = part("19-SNV")?;
    let t = progress::complete(
        db,
        cli,
        t.id,
        t.version,
        late(
            "Chờ tài liệu hướng dẫn của Bộ Nội vụ",
            "Phó Giám đốc Sở Nội vụ phụ trách",
            100,
            "Đã tổ chức hội nghị quán triệt cho cán bộ, công chức toàn ngành",
        ),
    )
    .await?;
    progress::accept(db, cli, t.id, t.version, Some("Đạt yêu cầu".into())).await?;
    // Sở Tư pháp's report lacked its list of participants: returned.
    let t = part("19-STP")?;
    let t = progress::complete(
        db,
        cli,
        t.id,
        t.version,
        late(
            "Trùng thời điểm sắp xếp tổ chức bộ máy",
            "Chánh Văn phòng Sở Tư pháp",
            100,
            "Đã phổ biến qua trang thông tin điện tử của Sở",
        ),
    )
    .await?;
    progress::send_back(
        db,
        cli,
        t.id,
        t.version,
        "Bổ sung danh sách cán bộ, công chức được quán triệt và tài liệu kèm theo",
    )
    .await?;
    // Sở Tài chính is part way, late, and says why.
    let t = part("19-STC")?;
    progress::report_progress(
        db,
        cli,
        t.id,
        t.version,
        late(
            "Sở mới thành lập trên cơ sở hợp nhất, chưa bố trí đủ công chức phụ trách",
            "Giám đốc Sở Tài chính",
            60,
            "Đã quán triệt tại cơ quan Sở; đang triển khai tới các đơn vị trực thuộc",
        ),
    )
    .await?;
    // Sở Nội vụ reports on its monitoring content (explaining, should the
    // demo be loaded after the window closed).
    let t = &fourth.task;
    let closed = progress::days_late(db, t).await? > 0;
    progress::report_progress(
        db,
        cli,
        t.id,
        t.version,
        Progress {
            percent: 80,
            note: Some(
                "Đã ban hành văn bản đôn đốc các sở, UBND cấp xã; tổng hợp kết quả hằng quý báo cáo UBND tỉnh".into(),
            ),
            cause: closed.then(|| "Chờ tổng kết của Bộ Nội vụ".to_owned()),
            responsible_person: closed.then(|| "Giám đốc Sở Nội vụ".to_owned()),
            ..Default::default()
        },
    )
    .await?;
    Ok(1 + first.parts.len() + 1 + second.parts.len() + 1 + third.parts.len() + 1)
}
