//! The demo's inspection: the follow-up of 6085/UBND-TTPVHCC (seed 004),
//! modelled from its text. Sở Nội vụ inspected in 2023 the tasks UBND
//! tỉnh gave and administrative reform (report 269/BC-SNV); Chủ tịch
//! UBND tỉnh's letter 6085 of 27/11/2023 turned the report into
//! directions: §1 to every sở and district (among them: review overdue
//! tasks, explaining causes and individual responsibility; stop late and
//! irregular handling of procedures; digitise records; districts equip
//! their one-stop shops), §2 to Sở Nội vụ (more unannounced inspections
//! of reform and of public service), §3 to Văn phòng UBND tỉnh (inspect
//! the tasks UBND tỉnh gives together with reform). The letter names no
//! single district and gives no dates: the districts, the findings at
//! them and the deadlines below are illustrative, the texts are the
//! letter's. Districts are those of 2023 (ended 30/6/2025): their
//! recommendations have no follow-up task (a task's lead is in force
//! today) and Sở Nội vụ closed them; the sở are today's rows, the tree
//! holding them only from 1/7/2025, and each leads a follow-up task.

use entity::inspection_finding::{FindingKind, MandateAction};

use super::*;
use crate::inspections::service::{
    self as inspections, NewFinding, NewInspection, NewRecommendation,
};

/// The demo inspection's code.
pub const DEMO_INSPECTION: &str = "19-SNV-KT-2023";

/// A finding of the demo: unit spec, mandate code, kind, text, action.
type DemoFinding = (
    &'static str,
    Option<&'static str>,
    FindingKind,
    &'static str,
    MandateAction,
);

const FINDINGS: &[DemoFinding] = &[
    (
        "164@2025-06-30",
        None,
        FindingKind::Shortcoming,
        "Còn nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao quá hạn; còn hồ sơ thủ tục hành chính trả kết quả quá hạn, có trường hợp yêu cầu người dân cung cấp thành phần hồ sơ trái quy định.",
        MandateAction::None,
    ),
    (
        "164@2025-06-30",
        Some("19-PC-DD-01"),
        FindingKind::Compliant,
        "Quản lý, khai thác chợ hạng 2 theo đúng nội dung được phân cấp.",
        MandateAction::None,
    ),
    (
        "165@2025-06-30",
        Some("19-PC-YT-01"),
        FindingKind::Shortcoming,
        "Cấp giấy phép hoạt động trạm y tế cấp xã còn chậm do chưa bố trí đủ nhân lực thẩm định; cần rà soát, bổ sung nguồn lực và điều kiện thực hiện nội dung phân cấp.",
        MandateAction::Amend,
    ),
    (
        "173@2025-06-30",
        None,
        FindingKind::Shortcoming,
        "Chưa rà soát, thống kê đầy đủ các nhiệm vụ được giao; nhiệm vụ quá hạn chưa làm rõ nguyên nhân, trách nhiệm cá nhân, tổ chức.",
        MandateAction::None,
    ),
    (
        "19-VPUBND",
        None,
        FindingKind::Compliant,
        "Theo dõi, tổng hợp đầy đủ nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao.",
        MandateAction::None,
    ),
];

/// A recommendation of the demo: number, text, owner spec, deadline, and
/// the note it was closed with (None: still open).
type DemoRecommendation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const RECOMMENDATIONS: &[DemoRecommendation] = &[
    (
        "1.2",
        "Thường xuyên rà soát, thống kê đầy đủ các nhiệm vụ của UBND tỉnh, Chủ tịch UBND tỉnh giao; làm rõ nguyên nhân khách quan, chủ quan, kiểm điểm xác định rõ trách nhiệm cá nhân, tổ chức đối với các nhiệm vụ quá hạn, có giải pháp khắc phục.",
        "164@2025-06-30",
        "2023-12-31",
        Some(
            "Đã kiểm điểm, xác định trách nhiệm; nhiệm vụ quá hạn đã hoàn thành (báo cáo của UBND thành phố).",
        ),
    ),
    (
        "1.2",
        "Thường xuyên rà soát, thống kê đầy đủ các nhiệm vụ của UBND tỉnh, Chủ tịch UBND tỉnh giao; làm rõ nguyên nhân khách quan, chủ quan, kiểm điểm xác định rõ trách nhiệm cá nhân, tổ chức đối với các nhiệm vụ quá hạn, có giải pháp khắc phục.",
        "173@2025-06-30",
        "2023-12-31",
        Some(
            "Đã rà soát, kiểm điểm trách nhiệm trước khi kết thúc hoạt động cấp huyện (30/6/2025).",
        ),
    ),
    (
        "1.2",
        "Thường xuyên rà soát, thống kê đầy đủ các nhiệm vụ của UBND tỉnh, Chủ tịch UBND tỉnh giao; làm rõ nguyên nhân khách quan, chủ quan, kiểm điểm xác định rõ trách nhiệm cá nhân, tổ chức đối với các nhiệm vụ quá hạn, có giải pháp khắc phục.",
        "19-SXD",
        "2025-12-31",
        None,
    ),
    (
        "1.8",
        "Đẩy mạnh số hóa hồ sơ, kết quả giải quyết TTHC; trả kết quả điện tử song song với bản giấy đảm bảo chỉ tiêu được giao.",
        "19-STP",
        "2025-12-31",
        None,
    ),
    (
        "1.6",
        "Chấn chỉnh tình trạng tiếp nhận, giải quyết TTHC không đúng quy trình; tình trạng giải quyết TTHC trả kết quả quá hạn, việc yêu cầu người dân, tổ chức cung cấp thành phần hồ sơ trái quy định.",
        "164@2025-06-30",
        "2024-03-31",
        Some("Đã chấn chỉnh; tỷ lệ hồ sơ trả kết quả đúng hạn quý I/2024 đạt yêu cầu."),
    ),
    (
        "1.11",
        "UBND cấp huyện tăng cường đầu tư cơ sở vật chất, trang thiết bị đảm bảo yêu cầu phục vụ người dân; thực hiện nghiêm túc việc đưa TTHC lĩnh vực công an thực hiện tại Bộ phận một cửa cấp huyện, cấp xã.",
        "165@2025-06-30",
        "2024-06-30",
        Some("Đã đưa TTHC lĩnh vực công an vào Bộ phận một cửa cấp huyện, cấp xã."),
    ),
    (
        "2",
        "Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị có liên quan tham mưu triển khai thực hiện tốt các nhiệm vụ CCHC; tăng cường kiểm tra đột xuất việc thực hiện CCHC, kiểm tra công vụ đối với đội ngũ cán bộ, công chức, viên chức trên địa bàn tỉnh.",
        "19-SNV",
        "2026-12-31",
        None,
    ),
    (
        "3",
        "Văn phòng UBND tỉnh phối hợp với Sở Nội vụ và các cơ quan, đơn vị có liên quan kết hợp kiểm tra việc thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao với công tác kiểm tra CCHC, kiểm tra công vụ.",
        "19-VPUBND",
        "2024-12-31",
        Some("Đã lồng ghép kiểm tra nhiệm vụ được giao vào kế hoạch kiểm tra CCHC năm 2024."),
    ),
];

/// Works the demo's follow-up tasks: Sở Xây dựng reports its overdue
/// §1.2 with the cause and the person responsible (6085 §1 asks exactly
/// that); Sở Tư pháp completes §1.8 and Sở Nội vụ accepts it (DONE).
async fn follow_up(
    db: &DatabaseConnection,
    r: &entity::inspection_recommendation::Model,
) -> Result<(), BoxError> {
    use crate::plans::progress::{self, Progress};
    let owner = crate::units::service::existing(db, r.owner_unit_id).await?;
    let Some(task) = crate::plans::service::tasks_of_recommendations(db, &[r.id])
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let cli = Authority::Cli;
    match (owner.code.as_str(), r.number.as_str()) {
        ("19-SXD", "1.2") => {
            progress::report_progress(
                db,
                cli,
                task.id,
                task.version,
                Progress {
                    percent: 60,
                    note: Some("Đã rà soát 42/45 nhiệm vụ; còn 3 nhiệm vụ quá hạn về quy hoạch xây dựng.".into()),
                    cause: Some("Nhiệm vụ phụ thuộc việc sắp xếp đơn vị hành chính năm 2025; chờ ý kiến của Bộ Xây dựng.".into()),
                    responsible_person: Some("Phó Giám đốc Sở Xây dựng phụ trách quy hoạch".into()),
                    ..Default::default()
                },
            )
            .await?;
        }
        ("19-STP", "1.8") => {
            let done = progress::complete(
                db,
                cli,
                task.id,
                task.version,
                Progress {
                    note: Some(
                        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt chỉ tiêu giao.".into(),
                    ),
                    cause: Some(
                        "Hoàn thành sau hạn do chuyển đổi hệ thống một cửa điện tử.".into(),
                    ),
                    responsible_person: Some("Chánh Văn phòng Sở Tư pháp".into()),
                    ..Default::default()
                },
            )
            .await?;
            progress::accept(db, cli, done.id, done.version, None).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Records the 6085 follow-up, unless it is there; returns its code when
/// this load wrote it.
pub(super) async fn load_inspection(db: &DatabaseConnection) -> Result<Option<String>, BoxError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let exists = entity::inspection::Entity::find()
        .filter(entity::inspection::Column::Code.eq(DEMO_INSPECTION))
        .one(db)
        .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let cli = Authority::Cli;
    let snv = demo_unit(db, "19-SNV").await?;
    let report = documents::by_number(db, "269/BC-SNV", None)
        .await?
        .ok_or("demo document 269/BC-SNV is missing")?;
    let mut units = Vec::new();
    for spec in [
        "164@2025-06-30",
        "165@2025-06-30",
        "173@2025-06-30",
        "19-VPUBND",
        "19-SNV",
    ] {
        units.push(demo_unit(db, spec).await?.id);
    }
    let mut mandates = Vec::new();
    for code in ["19-PC-DD-01", "19-PC-YT-01"] {
        let found = entity::mandate::Entity::find()
            .filter(entity::mandate::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or_else(|| format!("demo mandate {code} is missing"))?;
        mandates.push((code, found.id));
    }
    let i = inspections::create_inspection(
        db,
        cli,
        NewInspection {
            code: DEMO_INSPECTION.into(),
            title: "Kiểm tra nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao; công tác cải cách hành chính, nâng cao hiệu quả quản trị và hành chính công năm 2023".into(),
            inspecting_unit: snv.id,
            decision: None,
            period_from: date("2023-01-01"),
            period_to: date("2023-11-20"),
            units,
            mandates: mandates.iter().map(|(_, id)| *id).collect(),
            members: Vec::new(),
        },
    )
    .await?;
    inspections::start_inspection(db, cli, i.id).await?;
    let mut amend = None;
    for (spec, mandate, kind, text, action) in FINDINGS {
        let f = inspections::record_finding(
            db,
            cli,
            NewFinding {
                inspection: i.id,
                unit: demo_unit(db, spec).await?.id,
                mandate: mandate
                    .and_then(|code| mandates.iter().find(|(c, _)| *c == code).map(|(_, id)| *id)),
                kind: *kind,
                text: (*text).into(),
                evidence: vec![report.id],
                action: *action,
            },
        )
        .await?;
        if *action != MandateAction::None {
            amend = Some(f.id);
        }
    }
    inspections::conclude_inspection(
        db,
        cli,
        i.id,
        report.id,
        Some("Các cơ quan, đơn vị cơ bản triển khai nhiệm vụ được giao và công tác CCHC; còn nhiệm vụ quá hạn, hồ sơ TTHC trả kết quả quá hạn; UBND tỉnh chỉ đạo khắc phục tại Văn bản số 6085/UBND-TTPVHCC ngày 27/11/2023.".into()),
    )
    .await?;
    if let Some(f) = amend {
        inspections::propose_from_finding(db, cli, f, None).await?;
    }
    for (number, text, owner, due, closed) in RECOMMENDATIONS {
        let r = inspections::add_recommendation(
            db,
            cli,
            NewRecommendation {
                inspection: i.id,
                finding: None,
                number: (*number).into(),
                text: (*text).into(),
                owner: demo_unit(db, owner).await?.id,
                due_on: date(due),
            },
        )
        .await?;
        if let Some(note) = closed {
            inspections::close_recommendation(db, cli, r.id, note).await?;
        }
        follow_up(db, &r).await?;
    }
    Ok(Some(i.code))
}
