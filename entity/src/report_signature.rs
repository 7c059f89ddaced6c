//! The signature a report went out under: signed inside the reporting
//! unit by its head (APPROVER), or read off a paper report by the
//! recipient.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_signature")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    /// Số, ký hiệu as written, e.g. "12/BC-UBND".
    pub number: String,
    /// The number folded for comparison ("12/BC-UBND").
    pub number_key: String,
    pub signer_name: String,
    /// Chức vụ, with the capacity (e.g. "KT. Chủ tịch, Phó Chủ tịch").
    pub signer_title: String,
    pub signed_on: Date,
    /// The APPROVER who signed in phancap; None for a paper report.
    pub signed_by: Option<String>,
    /// Entered from a paper report by its recipient.
    pub paper: bool,
    /// When the recipient received the paper report.
    pub received_on: Option<Date>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
