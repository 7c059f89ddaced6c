//! A reporting regime (chế độ báo cáo) after Nghị định 09/2019/NĐ-CP.

use sea_orm::entity::prelude::*;

/// How often a regime asks for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Frequency {
    #[sea_orm(string_value = "MONTH")]
    Month,
    #[sea_orm(string_value = "QUARTER")]
    Quarter,
    #[sea_orm(string_value = "HALF_YEAR")]
    HalfYear,
    #[sea_orm(string_value = "NINE_MONTH")]
    NineMonth,
    #[sea_orm(string_value = "YEAR")]
    Year,
    #[sea_orm(string_value = "AD_HOC")]
    AdHoc,
}

/// Where a period's data window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CutoffRule {
    /// Nghị định 09/2019 Điều 12: from the 15th of the month before the
    /// period to the 14th of its last month.
    #[sea_orm(string_value = "DECREE_09")]
    Decree09,
    /// The calendar months of the period.
    #[sea_orm(string_value = "CALENDAR")]
    Calendar,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_regime")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub content: String,
    pub recipient_unit_id: Uuid,
    pub frequency: Frequency,
    pub cutoff_rule: CutoffRule,
    /// Working days after the cut-off by which a unit's report is due.
    pub deadline_days: i32,
    /// Working days after the cut-off by which the compiled report is due.
    pub compiled_deadline_days: i32,
    /// Comma-separated unit kinds that report; None with no list means
    /// every unit holding a mandate in the period.
    pub reporter_kinds: Option<String>,
    /// A JSON array of the ids of the units that report.
    pub reporter_units: Option<String>,
    /// Whether a report needs its unit head's signature before it is sent.
    pub sign_off: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
