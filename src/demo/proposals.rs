//! Demo proposals: one at every stage of the way to a decision, between
//! Thái Nguyên's real bodies, each citing Luật 72/2025/QH15 and answering
//! the province's call for proposals (công văn 1785/UBND-NC, seed 000).
//! Tờ trình, appraisal reports and the decision numbered 91x are made up
//! for the demo, as the other 9xx documents are.

use entity::appraisal::Conclusion;
use entity::opinion_request::OpinionAnswer;
use entity::proposal::ProposalKind;

use super::*;
use crate::proposals::consult::{self, AppraisalInput, OpinionInput};
use crate::proposals::{decide, service as proposals};

/// The demo's own documents of the way (issuer, number, type, subject,
/// issued, in force).
const DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        number: "912/BCTĐ-STP",
        doc_type: "BC",
        issuer: Issuer::Unit("19-STP"),
        subject: "Báo cáo thẩm định dự thảo Quyết định phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân cấp xã",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["Sở Xây dựng", "Lưu: VT, XDKTVB"],
        issued: "2026-03-10",
        effective: "2026-03-10",
        ..DOCUMENT
    },
    DemoDocument {
        number: "910/TTr-SXD",
        doc_type: "TTR",
        issuer: Issuer::Unit("19-SXD"),
        subject: "Đề nghị ban hành Quyết định phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân cấp xã",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["UBND tỉnh", "Lưu: VT, QH"],
        issued: "2026-03-15",
        effective: "2026-03-15",
        links: &[("912/BCTĐ-STP", LinkKind::RespondsTo)],
        ..DOCUMENT
    },
    DemoDocument {
        number: "914/2026/QĐ-UBND",
        subject: "Phân cấp thẩm quyền phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân một số phường trên địa bàn tỉnh Thái Nguyên",
        signer_title: Some("TM. ỦY BAN NHÂN DÂN – KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &["Sở Xây dựng", "UBND các phường", "Lưu: VT, CNXD"],
        issued: "2026-03-20",
        effective: "2026-04-01",
        links: &[("910/TTr-SXD", LinkKind::RespondsTo)],
        ..DOCUMENT
    },
    DemoDocument {
        number: "913/BCTĐ-STP",
        doc_type: "BC",
        issuer: Issuer::Unit("19-STP"),
        subject: "Báo cáo thẩm định dự thảo Quyết định phân cấp phê duyệt kế hoạch tuyển sinh trung học cơ sở",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["Sở Giáo dục và Đào tạo", "Lưu: VT, XDKTVB"],
        issued: "2026-10-05",
        effective: "2026-10-05",
        ..DOCUMENT
    },
    DemoDocument {
        number: "915/BCTĐ-STP",
        doc_type: "BC",
        issuer: Issuer::Unit("19-STP"),
        subject: "Báo cáo thẩm định dự thảo Quyết định phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân xã Bằng Thành, xã Cao Minh",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["Sở Xây dựng", "Lưu: VT, XDKTVB"],
        issued: "2026-10-20",
        effective: "2026-10-20",
        ..DOCUMENT
    },
    DemoDocument {
        number: "911/TTr-SXD",
        doc_type: "TTR",
        issuer: Issuer::Unit("19-SXD"),
        subject: "Đề nghị ban hành Quyết định phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân xã Bằng Thành, xã Cao Minh",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["UBND tỉnh", "Lưu: VT, QLXD"],
        issued: "2026-10-25",
        effective: "2026-10-25",
        links: &[("915/BCTĐ-STP", LinkKind::RespondsTo)],
        ..DOCUMENT
    },
];

/// What a demo proposal says.
struct Demo {
    kind: ProposalKind,
    title: &'static str,
    proposing: &'static str,
    drafting: &'static str,
    justification: &'static str,
    matter: &'static str,
    targets: &'static [&'static str],
    staff: Option<i32>,
    budget: Option<i64>,
    requires_resolution: bool,
}

impl Demo {
    async fn input(&self, db: &DatabaseConnection) -> Result<proposals::ProposalInput, BoxError> {
        let mut targets = Vec::new();
        for spec in self.targets {
            targets.push(demo_unit(db, spec).await?.id);
        }
        let attachments = vec![demo_doc(db, "1785/UBND-NC").await?];
        Ok(proposals::ProposalInput {
            kind: self.kind,
            title: self.title.into(),
            proposing_unit: demo_unit(db, self.proposing).await?.id,
            drafting_unit: demo_unit(db, self.drafting).await?.id,
            justification: self.justification.into(),
            matter_codes: vec![self.matter.into()],
            targets,
            concerned_mandates: Vec::new(),
            attachments,
            legal_basis: Some(demo_doc(db, "72/2025/QH15").await?),
            legal_basis_article: Some("Điều 13".into()),
            resources: Resources {
                budget_vnd: self.budget,
                staff: self.staff,
                ..Resources::default()
            },
            requires_resolution: self.requires_resolution,
            evaluation: None,
            inspection_finding: None,
        })
    }
}

async fn demo_doc(db: &DatabaseConnection, number: &str) -> Result<Uuid, BoxError> {
    Ok(documents::by_number(db, number, None)
        .await?
        .ok_or_else(|| format!("demo document {number} is missing"))?
        .id)
}

const fn demo(
    title: &'static str,
    proposing: &'static str,
    drafting: &'static str,
    matter: &'static str,
    targets: &'static [&'static str],
) -> Demo {
    Demo {
        kind: ProposalKind::Delegate,
        title,
        proposing,
        drafting,
        justification: "Thực hiện Công văn 1785/UBND-NC: việc nào cấp nào sát thực tế hơn, giải quyết kịp thời hơn thì giao cho cấp đó thực hiện; giảm thời gian đi lại của người dân và doanh nghiệp.",
        matter,
        targets,
        staff: Some(1),
        budget: None,
        requires_resolution: false,
    }
}

/// The draft decentralization a drafting body writes from `p`.
async fn draft_for(
    db: &DatabaseConnection,
    p: &entity::proposal::Model,
    code: &str,
    from: &str,
    capacity: &str,
) -> Result<entity::mandate::Model, BoxError> {
    let province = demo_unit(db, DEMO_PROVINCE).await?;
    let matter =
        crate::mandates::matters::catalogued(db, &proposals::list::<String>(&p.matter_codes)[0])
            .await?;
    let input = MandateInput {
        code: code.into(),
        title: matter.name.clone(),
        sector: matter.sector,
        matter_code: matter.code.clone(),
        kind: entity::mandate::MandateKind::Decentralization,
        delegator: province.id,
        delegator_capacity: stored(capacity),
        delegatee_capacity: stored("COLLECTIVE"),
        legal_basis: None,
        legal_basis_article: Some("Điều 1".into()),
        conditions: None,
        resources: Resources {
            staff: p.resource_staff,
            budget_vnd: p.resource_budget_vnd,
            ..Resources::default()
        },
        effective_from: date(from),
        effective_to: None,
        allow_onward: false,
        parent: None,
        delegatees: proposals::ids(&p.target_unit_ids),
        procedure_publication: None,
        proposal: Some(p.id),
    };
    Ok(mandates::draft_mandate(db, Authority::Cli, input).await?)
}

/// Writes `demo` and sends it to its drafting body.
async fn send(db: &DatabaseConnection, demo: &Demo) -> Result<entity::proposal::Model, BoxError> {
    let p = proposals::create_proposal(db, Authority::Cli, demo.input(db).await?).await?;
    Ok(proposals::submit_proposal(db, Authority::Cli, p.id, p.version).await?)
}

/// [`send`], then taken up by the drafting body (DRAFTING).
async fn taken_up(
    db: &DatabaseConnection,
    demo: &Demo,
) -> Result<entity::proposal::Model, BoxError> {
    let p = send(db, demo).await?;
    Ok(proposals::take_up_proposal(db, Authority::Cli, p.id).await?)
}

fn appraisal(report: Uuid, conclusion: Conclusion, summary: &str) -> AppraisalInput {
    AppraisalInput {
        report,
        conclusion,
        summary: Some(summary.into()),
        notes: Vec::new(),
    }
}

/// Loads one proposal at every stage, unless the demo has proposals
/// already; returns how many it wrote.
pub(super) async fn load_proposals(db: &DatabaseConnection) -> Result<usize, BoxError> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    if entity::proposal::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    for doc in DOCUMENTS {
        demo_document(db, doc).await?;
    }
    let cli = Authority::Cli;
    let mut made = 0;

    // DRAFT: Phường Quan Triều (reporter.xa) asks for the traditional
    // festivals on its territory.
    let draft = demo(
        "Đề xuất phân cấp đăng ký tổ chức lễ hội truyền thống cho Ủy ban nhân dân phường",
        "05482",
        "19-SVHTTDL",
        "VH-LE-HOI",
        &["05482"],
    );
    proposals::create_proposal(db, cli, draft.input(db).await?).await?;
    made += 1;

    // SUBMITTED, to Sở Xây dựng.
    let submitted = demo(
        "Đề xuất được phân cấp cấp giấy phép xây dựng công trình cấp III trên địa bàn phường",
        "05482",
        "19-SXD",
        "XD-GIAY-PHEP",
        &["05482"],
    );
    send(db, &submitted).await?;
    made += 1;

    // RETURNED by Sở Nông nghiệp và Môi trường, with its reason.
    let returned = demo(
        "Đề xuất phân cấp cấp giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường",
        "01849",
        "19-SNNMT",
        "NN-KHOANG-SAN",
        &["01849"],
    );
    let p = send(db, &returned).await?;
    proposals::return_proposal(
        db,
        cli,
        p.id,
        "Đề nghị bổ sung đánh giá năng lực cán bộ địa chính xã và phương án kiểm tra sau cấp phép trước khi tổng hợp.",
    )
    .await?;
    made += 1;

    // REJECTED by Sở Công Thương.
    let rejected = demo(
        "Đề xuất phân cấp quản lý, khai thác chợ hạng 2 cho Ủy ban nhân dân xã",
        "01864",
        "19-SCT",
        "DD-CHO-HANG-2",
        &["01864"],
    );
    let p = send(db, &rejected).await?;
    proposals::reject_proposal(
        db,
        cli,
        p.id,
        "Chợ hạng 2 trên địa bàn xã đã do Ủy ban nhân dân xã quản lý theo Nghị định 60/2024/NĐ-CP; không cần phân cấp thêm.",
    )
    .await?;
    made += 1;

    // WITHDRAWN by its unit.
    let withdrawn = demo(
        "Đề xuất phân cấp cấp giấy phép hoạt động trạm y tế xã",
        "01879",
        "19-SYT",
        "YT-TRAM-Y-TE",
        &["01879"],
    );
    let p = send(db, &withdrawn).await?;
    proposals::withdraw_proposal(
        db,
        cli,
        p.id,
        "Trạm y tế xã đã được tổ chức lại theo mô hình chính quyền hai cấp; xã rút đề xuất để đề xuất lại sau khi ổn định.",
    )
    .await?;
    made += 1;

    // DRAFTING at Sở Tài chính: a budget goes with it and HĐND decides,
    // so Sở Tài chính drafts, Sở Nội vụ has answered, Sở Xây dựng not yet.
    let drafting = Demo {
        budget: Some(2_000_000_000),
        requires_resolution: true,
        ..demo(
            "Đề xuất phân cấp quyết định thanh lý tài sản công cho Ủy ban nhân dân cấp xã",
            "19-STC",
            "19-STC",
            "TC-THANH-LY-TSC",
            &["05482", "01840", "01843"],
        )
    };
    let p = taken_up(db, &drafting).await?;
    draft_for(db, &p, "19-DT-TC-01", "2027-01-01", "COUNCIL").await?;
    let home = demo_unit(db, "19-SNV").await?.id;
    let construction = demo_unit(db, "19-SXD").await?.id;
    let (_, asked) = consult::request_opinions(db, cli, p.id, &[home, construction], 10).await?;
    let agree = OpinionInput {
        answer: OpinionAnswer::AgreeWithChanges,
        text: Some("Thống nhất; đề nghị quy định rõ ngưỡng giá trị tài sản được phân cấp.".into()),
        document: None,
    };
    consult::answer_opinion(db, cli, asked[0].id, agree).await?;
    made += 1;

    // IN_APPRAISAL at Sở Tư pháp, returned once before.
    let in_appraisal = demo(
        "Đề xuất phân cấp đăng ký tổ chức lễ hội truyền thống cấp tỉnh cho Ủy ban nhân dân cấp xã",
        "19-SVHTTDL",
        "19-SVHTTDL",
        "VH-LE-HOI",
        &["01840", "01843"],
    );
    let p = taken_up(db, &in_appraisal).await?;
    draft_for(db, &p, "19-DT-VH-01", "2027-01-01", "COLLECTIVE").await?;
    consult::request_appraisal(db, cli, p.id).await?;
    proposals::return_proposal(
        db,
        cli,
        p.id,
        "Dự thảo chưa nêu căn cứ tại Nghị định 110/2018/NĐ-CP về quản lý và tổ chức lễ hội; đề nghị bổ sung.",
    )
    .await?;
    consult::request_appraisal(db, cli, p.id).await?;
    made += 1;

    // APPRAISED, eligible after changes.
    let appraised = demo(
        "Đề xuất phân cấp phê duyệt kế hoạch tuyển sinh trung học cơ sở cho Ủy ban nhân dân cấp xã",
        "19-SGDDT",
        "19-SGDDT",
        "GD-TUYEN-SINH",
        &["05482", "01849"],
    );
    let p = taken_up(db, &appraised).await?;
    draft_for(db, &p, "19-DT-GD-02", "2027-01-01", "COLLECTIVE").await?;
    consult::request_appraisal(db, cli, p.id).await?;
    let report = demo_doc(db, "913/BCTĐ-STP").await?;
    consult::appraise_proposal(
        db,
        cli,
        p.id,
        appraisal(
            report,
            Conclusion::EligibleAfterChanges,
            "Đủ điều kiện trình sau khi tiếp thu ý kiến về thời hạn phê duyệt.",
        ),
    )
    .await?;
    made += 1;

    // AWAITING_DECISION: the Tờ trình of Sở Xây dựng is with UBND tỉnh.
    let awaiting = demo(
        "Đề xuất phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân xã Bằng Thành và xã Cao Minh",
        "19-SXD",
        "19-SXD",
        "XD-QH-CHI-TIET",
        &["01864", "01879"],
    );
    let p = taken_up(db, &awaiting).await?;
    draft_for(db, &p, "19-DT-XD-03", "2027-01-01", "COLLECTIVE").await?;
    consult::request_appraisal(db, cli, p.id).await?;
    let report = demo_doc(db, "915/BCTĐ-STP").await?;
    consult::appraise_proposal(
        db,
        cli,
        p.id,
        appraisal(report, Conclusion::Eligible, "Đủ điều kiện trình."),
    )
    .await?;
    decide::submit_for_decision(db, cli, p.id, demo_doc(db, "911/TTr-SXD").await?).await?;
    made += 1;

    // DECIDED: UBND tỉnh's decision issues the mandate it drafted.
    let decided = demo(
        "Đề xuất phân cấp phê duyệt quy hoạch chi tiết cho Ủy ban nhân dân một số phường",
        "19-SXD",
        "19-SXD",
        "XD-QH-CHI-TIET",
        &["05482", "01840"],
    );
    let p = taken_up(db, &decided).await?;
    draft_for(db, &p, "19-PC-XD-QH-01", "2026-04-01", "COLLECTIVE").await?;
    consult::request_appraisal(db, cli, p.id).await?;
    let report = demo_doc(db, "912/BCTĐ-STP").await?;
    consult::appraise_proposal(
        db,
        cli,
        p.id,
        appraisal(report, Conclusion::Eligible, "Đủ điều kiện trình."),
    )
    .await?;
    decide::submit_for_decision(db, cli, p.id, demo_doc(db, "910/TTr-SXD").await?).await?;
    decide::decide_proposal(db, cli, p.id, demo_doc(db, "914/2026/QĐ-UBND").await?).await?;
    made += 1;

    // And one opened in one step from the 2025 evaluation's AMEND.
    made += from_evaluation(db).await?;
    Ok(made)
}

/// Opens the proposal the demo evaluation recommending AMEND calls for,
/// to Sở Nội vụ; 0 when the demo has no such evaluation.
async fn from_evaluation(db: &DatabaseConnection) -> Result<usize, BoxError> {
    use entity::evaluation::{self, Recommendation};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let amend = evaluation::Entity::find()
        .filter(evaluation::Column::Recommendation.eq(Recommendation::Amend))
        .one(db)
        .await?;
    let Some(e) = amend else { return Ok(0) };
    let home = demo_unit(db, "19-SNV").await?.id;
    proposals::propose_from_evaluation(db, Authority::Cli, e.id, home).await?;
    Ok(1)
}
