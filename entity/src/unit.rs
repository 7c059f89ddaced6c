//! One node of the administrative tree (đơn vị): a People's Committee of a
//! province, district or commune, or a provincial department.

use sea_orm::entity::prelude::*;

/// Level of a unit in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum UnitKind {
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    #[sea_orm(string_value = "DEPARTMENT")]
    Department,
    #[sea_orm(string_value = "DISTRICT")]
    District,
    #[sea_orm(string_value = "COMMUNE")]
    Commune,
}

/// Legal type of a unit (loại đơn vị hành chính, or the kind of body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AdminType {
    #[sea_orm(string_value = "TINH")]
    Tinh,
    #[sea_orm(string_value = "THANH_PHO")]
    ThanhPho,
    #[sea_orm(string_value = "QUAN")]
    Quan,
    #[sea_orm(string_value = "HUYEN")]
    Huyen,
    #[sea_orm(string_value = "THI_XA")]
    ThiXa,
    #[sea_orm(string_value = "XA")]
    Xa,
    #[sea_orm(string_value = "PHUONG")]
    Phuong,
    #[sea_orm(string_value = "THI_TRAN")]
    ThiTran,
    #[sea_orm(string_value = "DAC_KHU")]
    DacKhu,
    #[sea_orm(string_value = "SO")]
    So,
    #[sea_orm(string_value = "VAN_PHONG")]
    VanPhong,
    #[sea_orm(string_value = "THANH_TRA")]
    ThanhTra,
    #[sea_orm(string_value = "BAN")]
    Ban,
    /// Đơn vị sự nghiệp công lập directly under UBND tỉnh.
    #[sea_orm(string_value = "DVSNCL")]
    Dvsncl,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// GSO code (2, 3 or 5 digits) or a department code such as `19-SNV`.
    pub code: String,
    pub name: String,
    /// `name`'s Vietnamese sort key ([`crate::collation::sort_key`]): lists
    /// ordered by name compare it bytewise.
    pub name_key: String,
    /// `name` folded to lower-case ASCII for diacritic-insensitive search.
    pub search_name: String,
    pub kind: UnitKind,
    pub admin_type: AdminType,
    pub parent_id: Option<Uuid>,
    /// `/<root id>/…/<own id>/`: every ancestor's id and the unit's own.
    pub path: String,
    pub depth: i32,
    /// None: in force since before the records begin.
    pub valid_from: Option<Date>,
    /// None: still in force.
    pub valid_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
