//! Demo data: both national structures and, for Thái Nguyên (code 19), the
//! provincial bodies of its 2025 structure and users of every role, so a
//! new user meets a real province at once. Loading is idempotent: what
//! exists is left alone.

use chrono::NaiveDate;
use entity::app_user::UserKind;
use entity::document_link::LinkKind;
use entity::mandate::MandateKind;
use entity::role_grant::Role;
use entity::unit::{self, AdminType, UnitKind};
use sea_orm::DatabaseConnection;

use crate::BoxError;
use crate::audit::service::role_name;
use crate::auth::Authority;
use crate::mandates::documents;
use crate::mandates::service::{self as mandates, MandateInput, Resources};
use crate::units::import::{self, CURRENT_FIRST_DAY, ImportSummary, Source, Structure};
use crate::units::{admin, service};
use crate::users::{self, service::CreateUser};
use uuid::Uuid;

/// The demo's catalogue of powers: real matters of the seed documents'
/// sectors, with the laws that assign them (provenance in data/README.md).
pub const MATTERS_CSV: &str = include_str!("../data/matters-thai-nguyen.csv");

/// Code of the demo province.
pub const DEMO_PROVINCE: &str = "19";

mod inspections;
mod plans;
mod proposals;

pub use inspections::DEMO_INSPECTION;

/// The uniform provincial bodies of NĐ 150/2025/NĐ-CP (LAW.md §0.4):
/// code suffix, name, type.
const DEPARTMENTS: &[(&str, &str, AdminType)] = &[
    (
        "VPUBND",
        "Văn phòng Ủy ban nhân dân tỉnh Thái Nguyên",
        AdminType::VanPhong,
    ),
    ("SNV", "Sở Nội vụ tỉnh Thái Nguyên", AdminType::So),
    ("STP", "Sở Tư pháp tỉnh Thái Nguyên", AdminType::So),
    ("STC", "Sở Tài chính tỉnh Thái Nguyên", AdminType::So),
    ("SCT", "Sở Công Thương tỉnh Thái Nguyên", AdminType::So),
    (
        "SNNMT",
        "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên",
        AdminType::So,
    ),
    ("SXD", "Sở Xây dựng tỉnh Thái Nguyên", AdminType::So),
    (
        "SKHCN",
        "Sở Khoa học và Công nghệ tỉnh Thái Nguyên",
        AdminType::So,
    ),
    (
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Thái Nguyên",
        AdminType::So,
    ),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo tỉnh Thái Nguyên",
        AdminType::So,
    ),
    ("SYT", "Sở Y tế tỉnh Thái Nguyên", AdminType::So),
    ("TTT", "Thanh tra tỉnh Thái Nguyên", AdminType::ThanhTra),
];

/// The password of every demo user. Published: demo only.
pub const DEMO_PASSWORD: &str = "phancap-demo-2026";

/// A demo user: username, full name, home unit spec, kind, grants.
/// A unit spec is a code, with `@` and a date for a unit no longer in force.
struct DemoUser {
    username: &'static str,
    full_name: &'static str,
    home: &'static str,
    kind: UserKind,
    grants: &'static [(Role, &'static str)],
}

const ALL_ROLES: &[(Role, &str)] = &[
    (Role::Admin, "19"),
    (Role::Viewer, "19"),
    (Role::Reporter, "19"),
    (Role::Reviewer, "19"),
    (Role::Approver, "19"),
    (Role::Coordinator, "19"),
    (Role::LegalReviewer, "19"),
    (Role::Inspector, "19"),
];

const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin.thainguyen",
        full_name: "Quản trị hệ thống tỉnh Thái Nguyên",
        home: "19",
        kind: UserKind::Human,
        grants: ALL_ROLES,
    },
    DemoUser {
        username: "approver.ubnd",
        full_name: "Phó Chủ tịch UBND tỉnh (demo)",
        home: "19",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "19")],
    },
    DemoUser {
        username: "coordinator.snv",
        full_name: "Chuyên viên Sở Nội vụ (demo)",
        home: "19-SNV",
        kind: UserKind::Human,
        grants: &[(Role::Coordinator, "19")],
    },
    DemoUser {
        username: "legal.stp",
        full_name: "Chuyên viên Sở Tư pháp (demo)",
        home: "19-STP",
        kind: UserKind::Human,
        grants: &[(Role::LegalReviewer, "19")],
    },
    DemoUser {
        username: "inspector.ttt",
        full_name: "Thanh tra viên tỉnh (demo)",
        home: "19-TTT",
        kind: UserKind::Human,
        grants: &[(Role::Inspector, "19")],
    },
    DemoUser {
        username: "reporter.huyen",
        full_name: "Chuyên viên UBND TP Thái Nguyên cũ (demo)",
        home: "164@2025-06-30",
        kind: UserKind::Human,
        grants: &[(Role::Reporter, "164@2025-06-30")],
    },
    DemoUser {
        username: "reviewer.huyen",
        full_name: "Lãnh đạo UBND TP Thái Nguyên cũ (demo)",
        home: "164@2025-06-30",
        kind: UserKind::Human,
        grants: &[(Role::Reviewer, "164@2025-06-30")],
    },
    DemoUser {
        username: "reporter.xa",
        full_name: "Công chức UBND phường Quan Triều (demo)",
        home: "05482",
        kind: UserKind::Human,
        grants: &[(Role::Reporter, "05482")],
    },
    DemoUser {
        username: "reviewer.xa",
        full_name: "Phó Chủ tịch UBND phường Quan Triều (demo)",
        home: "05482",
        kind: UserKind::Human,
        grants: &[(Role::Reviewer, "05482")],
    },
    DemoUser {
        username: "reporter.stp",
        full_name: "Chuyên viên Sở Tư pháp, người lập báo cáo (demo)",
        home: "19-STP",
        kind: UserKind::Human,
        grants: &[(Role::Reporter, "19-STP")],
    },
    DemoUser {
        username: "approver.stp",
        full_name: "Giám đốc Sở Tư pháp, người ký báo cáo (demo)",
        home: "19-STP",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "19-STP")],
    },
    DemoUser {
        username: "approver.xa",
        full_name: "Chủ tịch UBND phường Quan Triều, người ký báo cáo (demo)",
        home: "05482",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "05482")],
    },
    DemoUser {
        username: "approver.snv",
        full_name: "Giám đốc Sở Nội vụ, người ký báo cáo tổng hợp (demo)",
        home: "19-SNV",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "19-SNV")],
    },
    DemoUser {
        username: "reporter.sxd",
        full_name: "Chuyên viên Sở Xây dựng, soạn đề xuất và dự thảo phân cấp (demo)",
        home: "19-SXD",
        kind: UserKind::Human,
        grants: &[(Role::Reporter, "19-SXD")],
    },
    DemoUser {
        username: "approver.sxd",
        full_name: "Giám đốc Sở Xây dựng, ký tờ trình (demo)",
        home: "19-SXD",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "19-SXD")],
    },
    DemoUser {
        username: "approver.stc",
        full_name: "Giám đốc Sở Tài chính, cho ý kiến về nguồn lực (demo)",
        home: "19-STC",
        kind: UserKind::Human,
        grants: &[(Role::Approver, "19-STC")],
    },
    DemoUser {
        username: "reviewer.snv",
        full_name: "Lãnh đạo phòng Sở Nội vụ, người duyệt báo cáo (demo)",
        home: "19-SNV",
        kind: UserKind::Human,
        grants: &[(Role::Reviewer, "19-SNV")],
    },
    DemoUser {
        username: "viewer.tn",
        full_name: "Người xem (demo)",
        home: "19",
        kind: UserKind::Human,
        grants: &[(Role::Viewer, "19")],
    },
    DemoUser {
        username: "service.lienthong",
        full_name: "Hệ thống liên thông (demo)",
        home: "19",
        kind: UserKind::Service,
        grants: &[(Role::Viewer, "19")],
    },
];

/// What loading the demo did.
pub struct DemoReport {
    pub imports: Vec<ImportSummary>,
    pub departments_created: usize,
    /// One line per demo user created: username, role and scope.
    pub users_created: Vec<String>,
    /// What loading the catalogue of powers did.
    pub matters: crate::mandates::matters::import::ImportCounts,
    /// How many demo mandates were created.
    pub mandates_created: usize,
    /// The demo reports, when this load created them.
    pub reporting: Option<DemoReporting>,
    /// The demo evaluation round, when this load opened it.
    pub evaluations: Option<DemoEvaluations>,
    /// How many demo proposals (one at every stage) this load wrote.
    pub proposals_created: usize,
    /// How many tasks of the demo plan 89/KH-UBND this load wrote.
    pub plan_tasks_created: usize,
    /// The demo inspection (the 6085 follow-up), when this load wrote it.
    pub inspection: Option<String>,
    /// How many changes the change feed holds after the load (every unit,
    /// user, mandate and report above is one, written by the triggers).
    pub changes: u64,
}

/// The annual evaluation of 2025 the demo opens.
#[derive(Debug)]
pub struct DemoEvaluations {
    pub round: String,
    pub expected: usize,
    /// Submitted by the holder and assessed by the delegator.
    pub assessed: usize,
    /// Submitted by the holder, awaiting the delegator.
    pub self_assessed: usize,
}

/// What loading the demo's reporting created.
pub struct DemoReporting {
    pub reports: usize,
    /// The last closed quarter, compiled for UBND tỉnh.
    pub closed: String,
    /// The compiled province report of that quarter (what the exports
    /// show first).
    pub compiled_report: Uuid,
    /// The open quarter, with reports in every state.
    pub open: String,
}

async fn demo_unit(db: &DatabaseConnection, spec: &str) -> Result<unit::Model, BoxError> {
    let (code, date) = match spec.split_once('@') {
        Some((code, date)) => (code, date.parse()?),
        None => (spec, CURRENT_FIRST_DAY),
    };
    Ok(service::find_by_code(db, code, None, date)
        .await?
        .ok_or_else(|| format!("demo unit {spec} is missing"))?)
}

async fn load_users(db: &DatabaseConnection) -> Result<Vec<String>, BoxError> {
    let mut created = Vec::new();
    for demo in USERS {
        if users::service::by_username(db, demo.username)
            .await?
            .is_some()
        {
            continue;
        }
        let home = demo_unit(db, demo.home).await?;
        let user = users::service::create_user(
            db,
            Authority::Cli,
            CreateUser {
                username: demo.username.into(),
                full_name: demo.full_name.into(),
                home_unit: home.id,
                kind: demo.kind,
                password: (demo.kind == UserKind::Human).then(|| DEMO_PASSWORD.to_owned()),
            },
        )
        .await?;
        let mut roles = Vec::new();
        for (role, scope) in demo.grants {
            let scope = demo_unit(db, scope).await?;
            users::service::grant_role(db, Authority::Cli, user.id, *role, scope.id).await?;
            roles.push(format!("{}@{}", role_name(*role), scope.code));
        }
        created.push(format!("{:<18} {}", demo.username, roles.join(" ")));
    }
    Ok(created)
}

/// Loads the demo into `db` (migrated).
pub async fn load(db: &DatabaseConnection) -> Result<DemoReport, BoxError> {
    let mut imports = Vec::new();
    for structure in [Structure::Legacy, Structure::Current] {
        imports.push(import::import(db, structure, Source::Bundled).await?);
    }
    let province = service::find_by_code(
        db,
        DEMO_PROVINCE,
        Some(UnitKind::Province),
        CURRENT_FIRST_DAY,
    )
    .await?
    .ok_or("the bundled data lacks province 19")?;
    let mut departments_created = 0;
    for (suffix, name, admin_type) in DEPARTMENTS {
        let code = format!("{DEMO_PROVINCE}-{suffix}");
        let exists =
            service::find_by_code(db, &code, Some(UnitKind::Department), CURRENT_FIRST_DAY)
                .await?
                .is_some();
        if exists {
            continue;
        }
        admin::create_unit(
            db,
            Authority::Cli,
            admin::CreateUnit {
                parent: province.id,
                code,
                name: (*name).to_owned(),
                admin_type: *admin_type,
                valid_from: CURRENT_FIRST_DAY,
                valid_to: None,
            },
        )
        .await?;
        departments_created += 1;
    }
    let users_created = load_users(db).await?;
    let matters = load_matters(db).await?;
    let mandates_created = load_mandates(db).await?;
    let reporting = load_reporting(db).await?;
    let evaluations = load_evaluations(db).await?;
    let proposals_created = proposals::load_proposals(db).await?;
    let plan_tasks_created = plans::load_plans(db).await?;
    let inspection = inspections::load_inspection(db).await?;
    Ok(DemoReport {
        imports,
        departments_created,
        users_created,
        matters,
        mandates_created,
        reporting,
        evaluations,
        proposals_created,
        plan_tasks_created,
        inspection,
        changes: {
            use sea_orm::{EntityTrait, PaginatorTrait};
            entity::change::Entity::find().count(db).await?
        },
    })
}

/// Loads the demo's catalogue of powers through the same import as
/// `importMatters`; idempotent: a dry run first, and no import (nor its
/// audit event) when the catalogue already holds every row.
async fn load_matters(
    db: &DatabaseConnection,
) -> Result<crate::mandates::matters::import::ImportCounts, BoxError> {
    use crate::mandates::matters::import;
    let mut dry_run = true;
    loop {
        match import::import_matters(db, Authority::Cli, MATTERS_CSV, dry_run).await? {
            Ok(counts) if !dry_run || counts.created + counts.updated == 0 => return Ok(counts),
            Ok(_) => dry_run = false,
            Err(errors) => {
                return Err(format!("data/matters-thai-nguyen.csv: {errors:?}").into());
            }
        }
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("demo dates are valid")
}

/// The stored value `text` of an enum column, e.g. a sector.
fn stored<T: sea_orm::ActiveEnum<Value = String>>(text: &str) -> T {
    T::try_from_value(&text.to_owned()).expect("demo values are known")
}

/// A demo document: what `createDocument` takes, with the issuer as a
/// unit spec (see [`demo_unit`]) or, for a body not in the tree on the
/// issue date, a name. Links name earlier demo documents by number.
struct DemoDocument {
    number: &'static str,
    doc_type: &'static str,
    issuer: Issuer,
    subject: &'static str,
    signer: Option<&'static str>,
    signer_title: Option<&'static str>,
    recipients: &'static [&'static str],
    issued: &'static str,
    effective: &'static str,
    links: &'static [(&'static str, LinkKind)],
}

/// Who issued a demo document.
enum Issuer {
    /// A unit of the tree, by spec.
    Unit(&'static str),
    /// A body outside the tree (or not in it on the issue date), by name.
    Named(&'static str),
}

const DOCUMENT: DemoDocument = DemoDocument {
    number: "",
    doc_type: "QD_UBND",
    issuer: Issuer::Unit("19"),
    subject: "",
    signer: None,
    signer_title: None,
    recipients: &[],
    issued: "",
    effective: "",
    links: &[],
};

/// Registers a demo document; normativity follows from its number.
async fn demo_document(db: &DatabaseConnection, doc: &DemoDocument) -> Result<Uuid, BoxError> {
    let (issuer_unit, issuer_name) = match doc.issuer {
        Issuer::Unit(spec) => (Some(demo_unit(db, spec).await?.id), None),
        Issuer::Named(name) => (None, Some(name.to_owned())),
    };
    let mut links = Vec::new();
    for (number, kind) in doc.links {
        let target = documents::by_number(db, number, None)
            .await?
            .ok_or_else(|| format!("demo document {number} is missing"))?;
        links.push((target.id, *kind));
    }
    let create = documents::CreateDocument {
        number: doc.number.into(),
        doc_type: stored(doc.doc_type),
        issuer_unit,
        issuer_name,
        subject: doc.subject.into(),
        signer: doc.signer.map(str::to_owned),
        signer_title: doc.signer_title.map(str::to_owned),
        signer_capacity: None,
        recipients: doc.recipients.iter().map(|r| (*r).to_owned()).collect(),
        links,
        issued_date: date(doc.issued),
        effective_from: date(doc.effective),
        effective_to: None,
    };
    Ok(documents::create_document(db, Authority::Cli, create)
        .await?
        .id)
}

/// The documents of the seeds (/work/shared/seeds, Thái Nguyên), oldest
/// first so that each links only to what came before: the Tờ trình of Sở
/// Nội vụ and the công văn 1785/UBND-NC answering it (seed 000), the plan
/// 511/KH-UBND (seed 001, printed there as "511/KKH-UBND"), Quyết định
/// 608/QĐ-TTg, the Tờ trình 112/TTr-SNV and the plan 89/KH-UBND carrying
/// it out (seed 002), the report 269/BC-SNV and the công văn
/// 6085/UBND-TTPVHCC answering it (seed 004). Numbers, dates, signers,
/// titles and recipients are the seeds'; the subjects of the two Tờ trình
/// and of the report, and the report's date, are not printed in the
/// seeds and are illustrative. Sở Nội vụ is named rather than linked: the
/// department in the tree dates from 1 July 2025.
const SEED_DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        number: "511/KH-UBND",
        doc_type: "KH",
        issuer: Issuer::Unit("19@2025-06-30"),
        subject: "Đẩy mạnh phân cấp đối với UBND cấp huyện, cấp xã và cơ quan chuyên môn thuộc UBND tỉnh theo Nghị quyết số 04/NQ-CP ngày 10/01/2022 của Chính phủ",
        issued: "2023-07-31",
        effective: "2023-07-31",
        ..DOCUMENT
    },
    DemoDocument {
        number: "269/BC-SNV",
        doc_type: "BC",
        issuer: Issuer::Named("Sở Nội vụ tỉnh Thái Nguyên"),
        subject: "Kết quả kiểm tra nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao; công tác cải cách hành chính, nâng cao hiệu quả quản trị và hành chính công tại các cơ quan, đơn vị trên địa bàn tỉnh Thái Nguyên năm 2023",
        issued: "2023-11-20",
        effective: "2023-11-20",
        ..DOCUMENT
    },
    DemoDocument {
        number: "6085/UBND-TTPVHCC",
        doc_type: "CV",
        issuer: Issuer::Unit("19@2025-06-30"),
        subject: "V/v duy trì, cải thiện các nội dung sau kiểm tra",
        signer: Some("Lê Quang Tiến"),
        signer_title: Some("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &[
            "Các sở, ban, ngành của tỉnh",
            "Ủy ban nhân dân các huyện, thành phố",
            "Chủ tịch, các PCT UBND tỉnh",
            "Lãnh đạo VP UBND tỉnh",
            "Lưu: VT, HCC",
        ],
        issued: "2023-11-27",
        effective: "2023-11-27",
        links: &[("269/BC-SNV", LinkKind::RespondsTo)],
    },
    DemoDocument {
        number: "243/TTr-SNV",
        doc_type: "TTR",
        issuer: Issuer::Named("Sở Nội vụ tỉnh Thái Nguyên"),
        subject: "Đề nghị tiếp tục tăng cường phân cấp trong quản lý nhà nước",
        issued: "2024-04-05",
        effective: "2024-04-05",
        ..DOCUMENT
    },
    DemoDocument {
        number: "1785/UBND-NC",
        doc_type: "CV",
        issuer: Issuer::Unit("19@2025-06-30"),
        subject: "V/v tiếp tục tăng cường phân cấp trong quản lý nhà nước",
        signer: Some("Đặng Xuân Trường"),
        signer_title: Some("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH THƯỜNG TRỰC"),
        recipients: &[
            "Các sở, ban, ngành thuộc tỉnh",
            "UBND các huyện, thành phố",
            "Chính phủ (báo cáo)",
            "Thường trực Tỉnh ủy (báo cáo)",
            "Thường trực HĐND tỉnh",
            "Chủ tịch, các PCT UBND tỉnh",
            "Lãnh đạo VPUBND tỉnh",
            "Lưu: VT, NC, TH",
        ],
        issued: "2024-04-11",
        effective: "2024-04-11",
        links: &[("243/TTr-SNV", LinkKind::RespondsTo)],
    },
    DemoDocument {
        number: "608/QĐ-TTg",
        doc_type: "QD_TTG",
        issuer: Issuer::Named("Thủ tướng Chính phủ"),
        subject: "Về kế hoạch triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp theo quy định của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
        issued: "2025-03-15",
        effective: "2025-03-15",
        ..DOCUMENT
    },
    DemoDocument {
        number: "112/TTr-SNV",
        doc_type: "TTR",
        issuer: Issuer::Named("Sở Nội vụ tỉnh Thái Nguyên"),
        subject: "Đề nghị ban hành Kế hoạch triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp theo quy định của Luật Tổ chức chính quyền địa phương",
        issued: "2025-03-31",
        effective: "2025-03-31",
        ..DOCUMENT
    },
    DemoDocument {
        number: "89/KH-UBND",
        doc_type: "KH",
        issuer: Issuer::Unit("19@2025-06-30"),
        subject: "Triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp theo quy định của Luật Tổ chức chính quyền địa phương trên địa bàn tỉnh Thái Nguyên",
        signer: Some("Nguyễn Huy Dũng"),
        signer_title: Some("CHỦ TỊCH"),
        recipients: &[
            "Chủ tịch, các PCT UBND tỉnh",
            "Các sở, ban, ngành",
            "UBND các huyện, thành phố",
            "Lãnh đạo VPUBND tỉnh",
            "Lưu: VT, NC",
        ],
        issued: "2025-04-09",
        effective: "2025-04-09",
        links: &[
            ("112/TTr-SNV", LinkKind::RespondsTo),
            ("608/QĐ-TTg", LinkKind::Implements),
        ],
    },
];

/// The made-up documents (numbered 9xx) the demo mandates rest on, and
/// the real law they cite.
const DEMO_DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        number: "72/2025/QH15",
        doc_type: "LUAT",
        issuer: Issuer::Named("Quốc hội"),
        subject: "Luật Tổ chức chính quyền địa phương",
        issued: "2025-06-16",
        effective: "2025-06-16",
        ..DOCUMENT
    },
    DemoDocument {
        number: "903/2022/QĐ-UBND",
        issuer: Issuer::Unit("19@2025-06-30"),
        subject: "Ban hành Quy định phân cấp quản lý chợ và cấp giấy phép hoạt động trạm y tế cho Ủy ban nhân dân cấp huyện trên địa bàn tỉnh Thái Nguyên",
        signer_title: Some("TM. ỦY BAN NHÂN DÂN – KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &["UBND các huyện, thành phố", "Lưu: VT, NC"],
        issued: "2022-12-15",
        effective: "2023-01-01",
        ..DOCUMENT
    },
    DemoDocument {
        number: "904/2025/QĐ-UBND",
        subject: "Về việc giao Ủy ban nhân dân các phường kế thừa nhiệm vụ được phân cấp của Ủy ban nhân dân cấp huyện khi sắp xếp đơn vị hành chính",
        signer_title: Some("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &["UBND các xã, phường", "Sở Nội vụ", "Lưu: VT, NC"],
        issued: "2025-07-10",
        effective: "2025-07-10",
        ..DOCUMENT
    },
    DemoDocument {
        number: "907/BCTĐ-STP",
        doc_type: "BC",
        issuer: Issuer::Unit("19-STP"),
        subject: "Báo cáo thẩm định dự thảo các quyết định, nghị quyết phân cấp, ủy quyền nhiệm vụ, quyền hạn quản lý nhà nước trên địa bàn tỉnh Thái Nguyên",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &["Sở Nội vụ", "Các sở chủ trì soạn thảo", "Lưu: VT, XDKTVB"],
        issued: "2025-07-05",
        effective: "2025-07-05",
        ..DOCUMENT
    },
    DemoDocument {
        number: "906/2025/NQ-HĐND",
        doc_type: "NQ_HDND",
        subject: "Quy định phân cấp thẩm quyền quyết định mua sắm tài sản công trên địa bàn tỉnh Thái Nguyên",
        signer_title: Some("CHỦ TỊCH"),
        recipients: &["UBND tỉnh", "Sở Tài chính", "Lưu: VT"],
        issued: "2025-07-18",
        effective: "2025-08-01",
        links: &[("72/2025/QH15", LinkKind::Implements)],
        ..DOCUMENT
    },
    DemoDocument {
        number: "901/2025/QĐ-UBND",
        subject: "Ban hành Quy định phân cấp một số nhiệm vụ, quyền hạn quản lý nhà nước trong các lĩnh vực tư pháp, tài chính, xây dựng, giáo dục cho các sở và Ủy ban nhân dân cấp xã trên địa bàn tỉnh Thái Nguyên",
        signer_title: Some("TM. ỦY BAN NHÂN DÂN – KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &[
            "Các sở, ban, ngành thuộc tỉnh",
            "UBND các xã, phường",
            "Sở Tư pháp (kiểm tra văn bản)",
            "Lưu: VT, NC",
        ],
        issued: "2025-07-20",
        effective: "2025-08-01",
        links: &[
            ("72/2025/QH15", LinkKind::Implements),
            ("89/KH-UBND", LinkKind::Implements),
        ],
        ..DOCUMENT
    },
    DemoDocument {
        number: "902/QĐ-UBND",
        doc_type: "QD_CT_UBND",
        subject: "Về việc ủy quyền cho Giám đốc Sở Công Thương, Giám đốc Sở Nội vụ thực hiện một số nhiệm vụ, quyền hạn của Chủ tịch Ủy ban nhân dân tỉnh",
        signer_title: Some("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &["Sở Công Thương", "Sở Nội vụ", "Lưu: VT, NC"],
        issued: "2025-07-25",
        effective: "2025-08-01",
        links: &[("72/2025/QH15", LinkKind::Implements)],
        ..DOCUMENT
    },
    DemoDocument {
        number: "905/QĐ-UBND",
        doc_type: "QD_CT_UBND",
        subject: "Về việc công bố thủ tục hành chính được sửa đổi trong lĩnh vực vật liệu nổ công nghiệp thực hiện theo ủy quyền của Ủy ban nhân dân tỉnh",
        signer_title: Some("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"),
        recipients: &[
            "Sở Công Thương",
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Lưu: VT, KSTT",
        ],
        issued: "2025-07-25",
        effective: "2025-07-25",
        links: &[("902/QĐ-UBND", LinkKind::Implements)],
        ..DOCUMENT
    },
    DemoDocument {
        number: "905/QĐ-SXD",
        doc_type: "QD_SO",
        issuer: Issuer::Unit("19-SXD"),
        subject: "Về việc ủy quyền cho Ủy ban nhân dân một số phường cấp giấy phép xây dựng công trình cấp III",
        signer_title: Some("GIÁM ĐỐC"),
        recipients: &[
            "UBND các phường được ủy quyền",
            "UBND tỉnh (báo cáo)",
            "Lưu: VT",
        ],
        issued: "2025-08-25",
        effective: "2025-09-01",
        links: &[("901/2025/QĐ-UBND", LinkKind::Implements)],
        ..DOCUMENT
    },
];

/// Registers the seed documents and the demo's own, unless 1785/UBND-NC
/// is already there; returns the ids of the demo's own by number.
async fn load_documents(
    db: &DatabaseConnection,
) -> Result<std::collections::HashMap<&'static str, Uuid>, BoxError> {
    let mut ids = std::collections::HashMap::new();
    let loaded = documents::by_number(db, "1785/UBND-NC", None)
        .await?
        .is_some();
    for doc in SEED_DOCUMENTS.iter().chain(DEMO_DOCUMENTS) {
        let id = if loaded {
            let issuer = match doc.issuer {
                Issuer::Unit(spec) => Some(demo_unit(db, spec).await?.id),
                Issuer::Named(_) => None,
            };
            documents::by_number(db, doc.number, issuer)
                .await?
                .ok_or_else(|| format!("demo document {} is missing", doc.number))?
                .id
        } else {
            demo_document(db, doc).await?
        };
        ids.insert(doc.number, id);
    }
    Ok(ids)
}

struct DemoMandate {
    code: &'static str,
    title: &'static str,
    sector: &'static str,
    matter: &'static str,
    kind: MandateKind,
    /// The delegator acts through its head (Chủ tịch, Giám đốc).
    head: bool,
    /// The delegator is the People's Council (HĐND).
    council: bool,
    /// The delegatees receive through their heads.
    to_head: bool,
    from: &'static str,
    to: Option<&'static str>,
    conditions: Option<&'static str>,
    staff: Option<i32>,
    none_reason: Option<&'static str>,
    allow_onward: bool,
}

impl DemoMandate {
    fn input(
        &self,
        delegator: Uuid,
        delegatees: Vec<Uuid>,
        basis: Uuid,
        parent: Option<Uuid>,
    ) -> MandateInput {
        MandateInput {
            code: self.code.into(),
            title: self.title.into(),
            sector: stored(self.sector),
            matter_code: self.matter.into(),
            kind: self.kind,
            delegator,
            delegator_capacity: stored(match (self.council, self.head) {
                (true, _) => "COUNCIL",
                (false, true) => "HEAD",
                (false, false) => "COLLECTIVE",
            }),
            delegatee_capacity: stored(if self.to_head { "HEAD" } else { "COLLECTIVE" }),
            legal_basis: Some(basis),
            legal_basis_article: Some("Điều 2".into()),
            conditions: self.conditions.map(str::to_owned),
            resources: Resources {
                staff: self.staff,
                none_reason: self.none_reason.map(str::to_owned),
                ..Resources::default()
            },
            effective_from: date(self.from),
            effective_to: self.to.map(date),
            allow_onward: self.allow_onward,
            parent,
            delegatees,
            procedure_publication: None,
            proposal: None,
        }
    }
}

const fn plain(
    code: &'static str,
    title: &'static str,
    sector: &'static str,
    matter: &'static str,
) -> DemoMandate {
    DemoMandate {
        code,
        title,
        sector,
        matter,
        kind: MandateKind::Decentralization,
        head: false,
        council: false,
        to_head: false,
        from: "2025-08-01",
        to: None,
        conditions: None,
        staff: Some(2),
        none_reason: None,
        allow_onward: false,
    }
}

/// Drafts and issues a demo mandate; one that needs Sở Tư pháp's
/// appraisal is appraised first by the demo's report 907/BCTĐ-STP (these
/// decisions predate phancap's proposals, so the appraisal is recorded
/// from its report).
async fn issue(db: &DatabaseConnection, input: MandateInput) -> Result<Uuid, BoxError> {
    use crate::proposals::consult;
    let draft = mandates::draft_mandate(db, Authority::Cli, input).await?;
    let delegator = crate::units::service::existing(db, draft.delegator_unit_id).await?;
    if consult::needs_appraisal(db, &draft, &delegator).await? {
        let report = documents::by_number(db, "907/BCTĐ-STP", None)
            .await?
            .ok_or("demo document 907/BCTĐ-STP is missing")?;
        let appraisal = consult::AppraisalInput {
            report: report.id,
            conclusion: entity::appraisal::Conclusion::Eligible,
            summary: None,
            notes: Vec::new(),
        };
        consult::record_appraisal(db, Authority::Cli, &[draft.id], appraisal).await?;
    }
    Ok(mandates::issue_mandate(db, Authority::Cli, draft.id)
        .await?
        .id)
}

/// Illustrative mandates of Thái Nguyên in several sectors: the documents
/// numbered 9xx are made up for the demo; the laws they cite are real.
async fn load_mandates(db: &DatabaseConnection) -> Result<usize, BoxError> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let exists = entity::mandate::Entity::find()
        .filter(entity::mandate::Column::Code.eq("19-PC-TP-01"))
        .count(db)
        .await?;
    if exists > 0 {
        return Ok(0);
    }
    let province = demo_unit(db, "19").await?;
    let legacy = demo_unit(db, "19@2025-06-30").await?;
    let dept = |code: &'static str| demo_unit(db, code);
    let docs = load_documents(db).await?;
    let law = docs["72/2025/QH15"];
    let regulation = docs["901/2025/QĐ-UBND"];
    let decision = docs["902/QĐ-UBND"];
    let legacy_regulation = docs["903/2022/QĐ-UBND"];
    let transfer = docs["904/2025/QĐ-UBND"];
    let mut created = 0;

    let justice = dept("19-STP").await?.id;
    issue(
        db,
        plain(
            "19-PC-TP-01",
            "Cho phép thành lập, đăng ký hoạt động văn phòng công chứng",
            "TU_PHAP",
            "TP-CONG-CHUNG",
        )
        .input(province.id, vec![justice], regulation, None),
    )
    .await?;
    let devolution = DemoMandate {
        kind: MandateKind::Devolution,
        staff: None,
        ..plain(
            "19-PQ-TP-01",
            "Cấp Phiếu lý lịch tư pháp (do luật giao)",
            "TU_PHAP",
            "TP-LLTP",
        )
    };
    issue(db, devolution.input(province.id, vec![justice], law, None)).await?;
    // Public assets are HĐND tỉnh's to decentralize (Luật Quản lý, sử dụng
    // tài sản công 2017), by its resolution.
    let finance = DemoMandate {
        council: true,
        staff: None,
        none_reason: Some("Thực hiện bằng bộ máy và kinh phí hiện có của Sở"),
        ..plain(
            "19-PC-TC-01",
            "Quyết định mua sắm tài sản công có giá trị dưới 1 tỷ đồng",
            "TAI_CHINH",
            "TC-TAI-SAN-CONG",
        )
    };
    issue(
        db,
        finance.input(
            province.id,
            vec![dept("19-STC").await?.id],
            docs["906/2025/NQ-HĐND"],
            None,
        ),
    )
    .await?;
    let building = plain(
        "19-PC-XD-01",
        "Cấp giấy phép xây dựng công trình cấp II, cấp III",
        "XAY_DUNG",
        "XD-GIAY-PHEP",
    );
    let building_dept = dept("19-SXD").await?;
    let parent = issue(
        db,
        building.input(province.id, vec![building_dept.id], regulation, None),
    )
    .await?;
    // Giám đốc Sở Xây dựng authorizes two wards' People's Committees with
    // what the sở received by decentralization (Luật 72/2025 Điều 14 k1):
    // a sở cannot decentralize, having no normative document of its own.
    let onward_decision = docs["905/QĐ-SXD"];
    let onward = DemoMandate {
        kind: MandateKind::Authorization,
        head: true,
        from: "2025-09-01",
        to: Some("2027-02-28"),
        conditions: Some(
            "UBND phường cấp phép theo đúng quy hoạch được duyệt; không được ủy quyền tiếp; báo cáo Sở Xây dựng hằng quý",
        ),
        staff: Some(1),
        ..plain(
            "19-PC-XD-02",
            "Cấp giấy phép xây dựng công trình cấp III trên địa bàn phường",
            "XAY_DUNG",
            "XD-GIAY-PHEP",
        )
    };
    let wards = vec![
        demo_unit(db, "05482").await?.id,
        demo_unit(db, "01840").await?.id,
    ];
    issue(
        db,
        onward.input(building_dept.id, wards, onward_decision, Some(parent)),
    )
    .await?;
    let explosives = DemoMandate {
        kind: MandateKind::Authorization,
        head: true,
        to_head: true,
        to: Some("2027-02-28"),
        conditions: Some(
            "Thực hiện đúng quy trình, thời hạn; không được ủy quyền tiếp; báo cáo UBND tỉnh hằng năm và đột xuất",
        ),
        staff: None,
        none_reason: Some("Sở sử dụng bộ máy, con dấu và tài khoản của mình"),
        ..plain(
            "19-UQ-CT-01",
            "Cấp giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
            "CONG_THUONG",
            "CT-VLNCN",
        )
    };
    // Delegating it changes who handles TTHC 2.000229 and 2.000210, so the
    // Chủ tịch publishes the changed procedures first (R16).
    let publication = docs["905/QĐ-UBND"];
    let mut input = explosives.input(province.id, vec![dept("19-SCT").await?.id], decision, None);
    input.procedure_publication = Some(publication);
    issue(db, input).await?;
    let staffing = DemoMandate {
        kind: MandateKind::Authorization,
        head: true,
        to_head: true,
        to: Some("2026-12-31"),
        conditions: Some("Thẩm định trong 15 ngày làm việc; báo cáo kết quả hằng quý về UBND tỉnh"),
        ..plain(
            "19-UQ-NV-01",
            "Thẩm định đề án vị trí việc làm của đơn vị sự nghiệp công lập",
            "NOI_VU",
            "NV-VI-TRI-VIEC-LAM",
        )
    };
    issue(
        db,
        staffing.input(province.id, vec![dept("19-SNV").await?.id], decision, None),
    )
    .await?;
    let market = DemoMandate {
        from: "2023-01-01",
        ..plain(
            "19-PC-DD-01",
            "Quản lý, khai thác chợ hạng 2 trên địa bàn thành phố",
            "CONG_THUONG",
            "DD-CHO-HANG-2",
        )
    };
    let city = demo_unit(db, "164@2025-06-30").await?;
    let lapsed = issue(
        db,
        market.input(legacy.id, vec![city.id], legacy_regulation, None),
    )
    .await?;
    let assignment = mandates::assignments_of(db, &[lapsed]).await?[0].id;
    mandates::transfer_assignments(
        db,
        Authority::Cli,
        assignment,
        None,
        transfer,
        CURRENT_FIRST_DAY,
    )
    .await?;
    let clinics = DemoMandate {
        from: "2023-01-01",
        ..plain(
            "19-PC-YT-01",
            "Cấp giấy phép hoạt động trạm y tế cấp xã",
            "Y_TE",
            "YT-TRAM-Y-TE",
        )
    };
    let song_cong = demo_unit(db, "165@2025-06-30").await?;
    issue(
        db,
        clinics.input(legacy.id, vec![song_cong.id], legacy_regulation, None),
    )
    .await?;
    created += 9;
    let draft = plain(
        "19-PC-GD-01",
        "Phê duyệt kế hoạch tuyển sinh trung học cơ sở (dự thảo)",
        "GIAO_DUC_DAO_TAO",
        "GD-TUYEN-SINH",
    );
    mandates::draft_mandate(
        db,
        Authority::Cli,
        draft.input(
            province.id,
            vec![dept("19-SGDDT").await?.id],
            regulation,
            None,
        ),
    )
    .await?;
    Ok(created + 1)
}

/// Code of the demo regime.
pub const DEMO_REGIME: &str = "19-BC-PCPQ-QUY";

/// The quarterly regime of seed 003 (reports on decentralisation to Sở Nội
/// vụ, compiled for UBND tỉnh), its quarters from last year to next, and
/// reports in every state: in the last closed quarter (anything sent now is
/// late) three accepted and compiled for UBND tỉnh, one submitted, the rest
/// missing; in the open quarter one accepted, one submitted, one returned
/// with a reason, one draft, the rest not started.
/// Opens the 2025 evaluation round of Thái Nguyên (taken on 15 December
/// 2025) from the command line: the departments' first evaluations are
/// self-assessed and assessed (one recommends amending, with the
/// difficulties the province's own plans name: resources that did not
/// follow the power), the next awaits UBND tỉnh, and the rest (the demo
/// commune's among them) are left for users to try. Idempotent.
async fn load_evaluations(db: &DatabaseConnection) -> Result<Option<DemoEvaluations>, BoxError> {
    use crate::evaluations::service::{self as ev, Assessment, OpenRound, SelfAssessment};
    use entity::evaluation::{EvaluationResult, Recommendation};
    let province = demo_unit(db, DEMO_PROVINCE).await?;
    if ev::round_of(db, province.id, 2025).await?.is_some() {
        return Ok(None);
    }
    let open = OpenRound {
        province: province.id,
        year: 2025,
        as_of: Some(date("2025-12-15")),
        due_on: None,
    };
    let opened = ev::open_round(db, Authority::Cli, ev::EvaluationDay::default(), open).await?;
    let all = ev::evaluations_of(db, opened.round.id).await?;
    let departments: Vec<Uuid> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        unit::Entity::find()
            .filter(unit::Column::ParentId.eq(province.id))
            .filter(unit::Column::Kind.eq(UnitKind::Department))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    let departments: Vec<_> = all
        .iter()
        .filter(|e| departments.contains(&e.holder_unit_id))
        .take(4)
        .collect();
    let keep = SelfAssessment {
        result: Some(EvaluationResult::Good),
        result_text: Some(
            "Tiếp nhận, giải quyết đúng thẩm quyền, đúng hạn; công khai thủ tục tại Trung tâm Phục vụ hành chính công tỉnh.".into(),
        ),
        difficulties: None,
        recommendation: Some(Recommendation::Keep),
        recommendation_reason: None,
    };
    let amend = SelfAssessment {
        result: Some(EvaluationResult::Satisfactory),
        result_text: Some(
            "Đã tổ chức thực hiện nhiệm vụ được phân cấp; một số hồ sơ giải quyết quá hạn do phải xin ý kiến các sở, ngành liên quan.".into(),
        ),
        difficulties: Some(
            "Phân cấp chưa đi đôi với bảo đảm điều kiện về tài chính, nguồn nhân lực: chưa được bố trí thêm biên chế, kinh phí; quy định chuyên ngành còn chồng chéo về thẩm quyền.".into(),
        ),
        recommendation: Some(Recommendation::Amend),
        recommendation_reason: Some(
            "Đề nghị sửa đổi, bổ sung nội dung phân cấp: quy định rõ trách nhiệm phối hợp, thời hạn lấy ý kiến và bố trí nguồn lực tương ứng, theo yêu cầu định kỳ hằng năm đánh giá nội dung phân cấp để kịp thời sửa đổi, bổ sung (Kế hoạch triển khai NQ 04/NQ-CP, mục 7).".into(),
        ),
    };
    let (mut assessed, mut self_assessed) = (0, 0);
    for (i, e) in departments.iter().enumerate() {
        let draft = if i == 1 { amend.clone() } else { keep.clone() };
        let saved = ev::save_self_assessment(db, Authority::Cli, e.id, e.version, draft).await?;
        let submitted = ev::submit_self_assessment(db, Authority::Cli, e.id, saved.version).await?;
        if i == 3 {
            // Left with UBND tỉnh to assess.
            self_assessed += 1;
            continue;
        }
        let assessment = if i == 1 {
            Assessment {
                assessment: EvaluationResult::Satisfactory,
                text: "Thống nhất đề xuất; giao Sở Nội vụ phối hợp Sở Tư pháp tham mưu sửa đổi, bổ sung.".into(),
                recommendation: Recommendation::Amend,
            }
        } else {
            Assessment {
                assessment: EvaluationResult::Good,
                text: "Thực hiện tốt nhiệm vụ được phân cấp.".into(),
                recommendation: Recommendation::Keep,
            }
        };
        ev::assess(db, Authority::Cli, e.id, submitted.version, assessment).await?;
        assessed += 1;
    }
    Ok(Some(DemoEvaluations {
        round: opened.round.code,
        expected: opened.expected,
        assessed,
        self_assessed,
    }))
}

async fn load_reporting(db: &DatabaseConnection) -> Result<Option<DemoReporting>, BoxError> {
    use crate::reporting::periods::Period;
    use crate::reporting::regimes::{self, IndicatorInput, RegimeInput, RuleInput};
    use crate::reporting::reports::{self as reps, DraftInput, ItemInput, Review, ValueInput};
    use entity::regime_indicator::{Aggregation, ValueType};
    use entity::regime_rule::Comparison;
    use entity::reporting_regime::{self, CutoffRule, Frequency};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let exists = reporting_regime::Entity::find()
        .filter(reporting_regime::Column::Code.eq(DEMO_REGIME))
        .one(db)
        .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let snv = demo_unit(db, "19-SNV").await?;
    // The dossier counts of Biểu số 06 (TT 01/2020/TT-VPCP, under NĐ
    // 09/2019): the on-time rate is worked out from them, per report and
    // from the province's totals, never averaged.
    let count = |code: &str, name: &str| IndicatorInput {
        code: code.into(),
        name: name.into(),
        measure: "hồ sơ".into(),
        value_type: ValueType::Integer,
        min: Some(0.0),
        ..IndicatorInput::default()
    };
    let regime = regimes::create_regime(
        db,
        Authority::Cli,
        RegimeInput {
            code: DEMO_REGIME.into(),
            name: "Báo cáo quý tình hình thực hiện phân cấp, phân quyền, ủy quyền".into(),
            content: "Kết quả thực hiện các nội dung được phân cấp, phân quyền, ủy quyền; \
                      tình hình giải quyết thủ tục hành chính; khó khăn, vướng mắc và đề xuất."
                .into(),
            recipient: snv.id,
            frequency: Frequency::Quarter,
            cutoff_rule: CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: None,
            sign_off: true,
            indicators: vec![
                count(
                    "TTHC_TIEP_NHAN",
                    "Hồ sơ thủ tục hành chính tiếp nhận (kể cả kỳ trước chuyển qua)",
                ),
                count("TTHC_DA_GIAI_QUYET", "Hồ sơ đã giải quyết"),
                count("TTHC_DUNG_HAN", "Hồ sơ giải quyết đúng hạn"),
                IndicatorInput {
                    code: "TY_LE_DUNG_HAN".into(),
                    name: "Tỷ lệ hồ sơ giải quyết đúng hạn".into(),
                    measure: "%".into(),
                    value_type: ValueType::Percentage,
                    formula: Some("100 * TTHC_DUNG_HAN / TTHC_DA_GIAI_QUYET".into()),
                    ..IndicatorInput::default()
                },
                IndicatorInput {
                    code: "TY_LE_HAI_LONG".into(),
                    name: "Tỷ lệ hài lòng của người dân".into(),
                    measure: "%".into(),
                    aggregation: Aggregation::Avg,
                    value_type: ValueType::Percentage,
                    ..IndicatorInput::default()
                },
            ],
            rules: vec![RuleInput {
                code: "DUNG_HAN_TOI_DA".into(),
                name: "Số hồ sơ giải quyết đúng hạn không vượt số hồ sơ đã giải quyết".into(),
                left: "TTHC_DUNG_HAN".into(),
                operator: Comparison::Le,
                right: "TTHC_DA_GIAI_QUYET".into(),
            }],
        },
    )
    .await?;
    // The quarters closing from four months ago to a year ahead (while Sở
    // Nội vụ exists): whenever the demo is loaded it has a closed quarter
    // and an open one.
    use chrono::{Datelike, Days};
    let today = crate::calendar::today();
    let (earliest, latest) = (today - Days::new(120), today + Days::new(366));
    let quarters: Vec<Period> = (today.year() - 1..=today.year() + 1)
        .flat_map(|year| Period::all_in(year, Frequency::Quarter))
        .filter(|p| {
            let cutoff = p.window(CutoffRule::Decree09).1;
            (earliest..=latest).contains(&cutoff)
                && snv.valid_from.is_none_or(|from| cutoff >= from)
        })
        .collect();
    let periods = regimes::open_periods(db, Authority::Cli, regime.id, None, quarters).await?;
    let closed = periods
        .iter()
        .rfind(|p| p.deadline < today)
        .cloned()
        .ok_or("no demo quarter has closed yet")?;
    let open = periods
        .iter()
        .find(|p| p.deadline >= today)
        .cloned()
        .ok_or("no demo quarter is open")?;
    let mut created = 0;
    for p in &periods {
        created += entity::report::Entity::find()
            .filter(entity::report::Column::PeriodId.eq(p.id))
            .all(db)
            .await?
            .len();
    }
    let report_of = |period: Uuid, code: &'static str| async move {
        let unit = demo_unit(db, code).await?;
        let found = entity::report::Entity::find()
            .filter(entity::report::Column::PeriodId.eq(period))
            .filter(entity::report::Column::ReporterUnitId.eq(unit.id))
            .one(db)
            .await?;
        found.ok_or_else(|| BoxError::from(format!("{code} has no demo report")))
    };
    // A report's content, complete; `seed` varies the figures.
    let content = |id: Uuid, seed: i32| async move {
        let r = reps::existing(db, id).await?;
        let items = entity::report_item::Entity::find()
            .filter(entity::report_item::Column::ReportId.eq(id))
            .all(db)
            .await?;
        let mandates: Vec<Uuid> = items.iter().map(|i| i.mandate_id).collect();
        let asking = reps::asking_procedures(db, &mandates).await?;
        let received = 40 + seed * 7;
        let late = seed % 3;
        let pending = 2 + seed % 4;
        // Counts only for the powers that are administrative procedures.
        let count = |mandate: &Uuid, n: i32| asking.contains(mandate).then_some(n);
        let draft = DraftInput {
            results: Some(format!(
                "Đã tổ chức thực hiện đầy đủ các nội dung được phân cấp; tiếp nhận {received} hồ sơ, giải quyết đúng hạn {}.",
                received - late - pending
            )),
            difficulties: Some("Một số thủ tục chưa được cập nhật trên Cổng dịch vụ công sau khi sắp xếp đơn vị hành chính.".into()),
            proposals: Some("Đề nghị tiếp tục phân cấp thẩm quyền cấp giấy phép cho cấp xã.".into()),
            items: items
                .iter()
                .map(|i| ItemInput {
                    mandate: i.mandate_id,
                    implementation_status: Some(stored("IN_PROGRESS")),
                    received: count(&i.mandate_id, received),
                    resolved_on_time: count(&i.mandate_id, received - late - pending),
                    resolved_late: count(&i.mandate_id, late),
                    pending: count(&i.mandate_id, pending),
                    difficulties: None,
                    proposal: Some(stored(if seed % 2 == 0 { "KEEP" } else { "EXPAND" })),
                    proposal_note: None,
                })
                .collect(),
            values: vec![
                ValueInput::number("TTHC_TIEP_NHAN", f64::from(received)),
                ValueInput::number("TTHC_DA_GIAI_QUYET", f64::from(received - pending)),
                ValueInput::number("TTHC_DUNG_HAN", f64::from(received - late - pending)),
                ValueInput::number("TY_LE_HAI_LONG", 90.0 + f64::from(seed % 8)),
            ],
        };
        Ok::<_, BoxError>((r, draft))
    };
    // Fills a report in completely.
    let fill = |id: Uuid, seed: i32| async move {
        let (r, draft) = content(id, seed).await?;
        let t = reps::save_draft(db, Authority::Cli, id, r.version, draft).await?;
        Ok::<_, BoxError>(t.report)
    };
    // Signed by the head of the sở under its own number, then sent.
    let submit = |id: Uuid, seed: i32| async move {
        let r = fill(id, seed).await?;
        let unit = crate::units::service::existing(db, r.reporter_unit_id).await?;
        let abbreviation = unit.code.split_once('-').map_or("UBND", |(_, a)| a);
        let signature = reps::SignatureInput {
            number: format!("{}/BC-{abbreviation}", 180 + seed),
            signer_name: "Nguyễn Văn A".into(),
            signer_title: "Giám đốc".into(),
            signed_on: crate::calendar::today(),
        };
        let signed = reps::sign(db, Authority::Cli, id, r.version, signature).await?;
        Ok::<_, BoxError>(
            reps::submit(db, Authority::Cli, id, signed.report.version, Review::Unit)
                .await?
                .report,
        )
    };
    let accept = |id: Uuid, seed: i32| async move {
        let r = submit(id, seed).await?;
        Ok::<_, BoxError>(
            reps::accept(db, Authority::Cli, id, r.version, Review::Unit, None)
                .await?
                .report,
        )
    };
    // The last closed quarter: whatever goes in now is late.
    for (code, seed) in [("19-STP", 1), ("19-STC", 2), ("19-SXD", 3)] {
        accept(report_of(closed.id, code).await?.id, seed).await?;
    }
    submit(report_of(closed.id, "19-SCT").await?.id, 4).await?;
    // The commune sent its report on paper, two days after the deadline;
    // Sở Nội vụ entered it and accepted it.
    let paper = report_of(closed.id, "05482").await?;
    let received_on = (closed.deadline + Days::new(2)).min(today);
    let (_, paper_content) = content(paper.id, 9).await?;
    let signed_on = (closed.data_to + Days::new(3)).min(received_on);
    let entered = reps::record_paper(
        db,
        Authority::Cli,
        paper.id,
        paper.version,
        reps::PaperInput {
            signature: reps::SignatureInput {
                number: "15/BC-UBND".into(),
                signer_name: "Trần Thị B".into(),
                signer_title: "KT. Chủ tịch, Phó Chủ tịch".into(),
                signed_on,
            },
            received_on,
            content: paper_content,
        },
    )
    .await?
    .report;
    reps::accept(
        db,
        Authority::Cli,
        entered.id,
        entered.version,
        Review::Unit,
        None,
    )
    .await?;
    // Sở Nội vụ's province report: compiled, written, signed by its
    // director and sent; UBND tỉnh (approver.ubnd) accepts it with its
    // directions.
    let compiled = reps::compile(db, Authority::Cli, closed.id).await?.report;
    let text = reps::CompiledText {
        assessment: Some(
            "Các sở, ngành và UBND cấp xã cơ bản thực hiện đúng các nội dung được phân cấp, ủy quyền theo Quyết định của UBND tỉnh; \
             thủ tục hành chính được giải quyết đúng hạn ở mức cao. Một số đơn vị gửi báo cáo chậm so với thời hạn."
                .into(),
        ),
        recommendations: Some(
            "Đề nghị UBND tỉnh chỉ đạo các đơn vị gửi báo cáo đúng thời hạn theo Nghị định số 09/2019/NĐ-CP \
             và rà soát, cập nhật thủ tục hành chính trên Cổng dịch vụ công sau sắp xếp đơn vị hành chính."
                .into(),
        ),
        ..reps::CompiledText::default()
    };
    let written = reps::save_compiled(db, Authority::Cli, compiled.id, compiled.version, text)
        .await?
        .report;
    let signature = reps::SignatureInput {
        number: "245/BC-SNV".into(),
        signer_name: "Nguyễn Văn A".into(),
        signer_title: "Giám đốc".into(),
        signed_on: today,
    };
    let signed = reps::sign(db, Authority::Cli, written.id, written.version, signature).await?;
    reps::submit(
        db,
        Authority::Cli,
        written.id,
        signed.report.version,
        Review::Compiled,
    )
    .await?;
    // The open quarter: on time so far.
    accept(report_of(open.id, "19-STP").await?.id, 5).await?;
    submit(report_of(open.id, "19-STC").await?.id, 6).await?;
    let returned = submit(report_of(open.id, "19-SXD").await?.id, 7).await?;
    reps::return_report(
        db,
        Authority::Cli,
        returned.id,
        returned.version,
        "Số liệu hồ sơ tiếp nhận chưa khớp với Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh; đề nghị rà soát, gửi lại.",
        Review::Unit,
    )
    .await?;
    fill(report_of(open.id, "05482").await?.id, 8).await?;
    // Sở Nội vụ reminds the units yet to report: each gets a notice.
    reps::remind_missing(db, Authority::Cli, open.id).await?;
    Ok(Some(DemoReporting {
        reports: created,
        closed: closed.code,
        compiled_report: compiled.id,
        open: open.code,
    }))
}
