//! Demo data: both national structures and, for Thái Nguyên (code 19), the
//! provincial bodies of its 2025 structure and users of every role, so a
//! new user meets a real province at once. Loading is idempotent: what
//! exists is left alone.

use entity::app_user::UserKind;
use entity::role_grant::Role;
use entity::unit::{self, AdminType, UnitKind};
use sea_orm::DatabaseConnection;

use crate::BoxError;
use crate::audit::service::role_name;
use crate::auth::Authority;
use crate::units::import::{self, CURRENT_FIRST_DAY, ImportSummary, Source, Structure};
use crate::units::{admin, service};
use crate::users::{self, service::CreateUser};

/// Code of the demo province.
pub const DEMO_PROVINCE: &str = "19";

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
        full_name: "Chủ tịch UBND phường Quan Triều (demo)",
        home: "05482",
        kind: UserKind::Human,
        grants: &[(Role::Reviewer, "05482")],
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
            },
        )
        .await?;
        departments_created += 1;
    }
    let users_created = load_users(db).await?;
    Ok(DemoReport {
        imports,
        departments_created,
        users_created,
    })
}
