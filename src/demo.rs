//! Demo data: both national structures and, for Thái Nguyên (code 19), the
//! provincial bodies of its 2025 structure, so a new user meets a real
//! province at once. Loading is idempotent: what exists is left alone.

use entity::unit::{self, AdminType, UnitKind};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};

use crate::BoxError;
use crate::units::import::{self, CURRENT_FIRST_DAY, ImportSummary, Source, Structure};
use crate::units::service::{self, NewUnit};

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

/// What loading the demo did.
pub struct DemoReport {
    pub imports: Vec<ImportSummary>,
    pub departments_created: usize,
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
        let department: unit::Model = NewUnit {
            code: &code,
            name,
            kind: UnitKind::Department,
            admin_type: *admin_type,
            valid_from: Some(CURRENT_FIRST_DAY),
            valid_to: None,
        }
        .under(Some(&province));
        department.into_active_model().insert(db).await?;
        departments_created += 1;
    }
    Ok(DemoReport {
        imports,
        departments_created,
    })
}
