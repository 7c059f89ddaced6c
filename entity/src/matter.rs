//! A power in the catalogue (danh mục thẩm quyền): a matter (việc) the law
//! assigns to a body, which mandates then delegate. Mandates reference it
//! by its code (`mandate.matter_code`).

use sea_orm::entity::prelude::*;

use crate::mandate::Sector;

/// The body the law assigns a matter to (its original holder), at the
/// province or the commune level (LAW.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum MatterHolder {
    /// Hội đồng nhân dân tỉnh (the provincial People's Council).
    #[sea_orm(string_value = "HDND_PROVINCE")]
    HdndProvince,
    /// Ủy ban nhân dân tỉnh (the provincial People's Committee).
    #[sea_orm(string_value = "UBND_PROVINCE")]
    UbndProvince,
    /// Chủ tịch Ủy ban nhân dân tỉnh (the chairman of the provincial committee).
    #[sea_orm(string_value = "CHAIR_PROVINCE")]
    ChairProvince,
    /// A sở (provincial department), by law.
    #[sea_orm(string_value = "DEPARTMENT_BY_LAW")]
    DepartmentByLaw,
    /// Hội đồng nhân dân xã (the commune People's Council).
    #[sea_orm(string_value = "HDND_COMMUNE")]
    HdndCommune,
    /// Ủy ban nhân dân xã (the commune People's Committee).
    #[sea_orm(string_value = "UBND_COMMUNE")]
    UbndCommune,
    /// Chủ tịch Ủy ban nhân dân xã (the chairman of the commune committee).
    #[sea_orm(string_value = "CHAIR_COMMUNE")]
    ChairCommune,
}

impl MatterHolder {
    /// Whether the holder is a body of the commune level.
    pub fn is_commune(self) -> bool {
        matches!(
            self,
            MatterHolder::HdndCommune | MatterHolder::UbndCommune | MatterHolder::ChairCommune
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[sea_orm(table_name = "matter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Business code, e.g. `XD-GIAY-PHEP`; what `mandate.matter_code` holds.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// `name` folded to lower-case ASCII for diacritic-insensitive search.
    pub search_name: String,
    pub sector: Sector,
    /// The law (and article) that assigns it, as cited.
    pub law: String,
    /// The registered document of that law, when there is one.
    pub law_document_id: Option<Uuid>,
    pub holder: MatterHolder,
    /// For a power the law gives "a sở": which one, by the abbreviation
    /// every province's sở of that sector carries in its code and its
    /// documents' symbols (`SYT` for Sở Y tế: `19-SYT`, `QĐ-SYT`).
    pub holder_department: Option<String>,
    /// The law forbids delegating it (LAW.md §7.3 R8).
    pub non_delegable: bool,
    /// The citation that forbids it; set exactly when `non_delegable`.
    pub non_delegable_basis: Option<String>,
    /// It increases a public service unit's autonomy (R9).
    pub autonomy_related: bool,
    /// Administrative procedure (TTHC) codes, `;`-separated, e.g.
    /// `1.009993;2.000229`; empty when none.
    pub procedure_codes: String,
    /// Delegating it changes an administrative procedure (R16).
    pub changes_procedure: bool,
    /// None: since before the records begin.
    pub valid_from: Option<Date>,
    /// None: still in the catalogue.
    pub valid_to: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
