//! A draft mandate an appraisal covered, with the appraiser's note on it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "appraisal_mandate")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub appraisal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub mandate_id: Uuid,
    pub note: Option<String>,
    /// The appraisal is of an amendment of this issued mandate (drafted
    /// outside phancap), which `amendMandate` then needs; otherwise of
    /// the draft itself.
    pub amendment: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
