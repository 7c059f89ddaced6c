//! Database models of phancap: sea-orm entities only, no GraphQL and no
//! business rules. The schema itself is owned by the `migration` crate.

pub mod app_user;
pub mod attachment;
pub mod audit_event;
pub mod audit_head;
pub mod compilation;
pub mod compilation_source;
pub mod document;
pub mod document_link;
pub mod evaluation;
pub mod evaluation_round;
pub mod holiday;
pub mod indicator_rollup;
pub mod login_throttle;
pub mod mandate;
pub mod mandate_assignment;
pub mod matter;
pub mod regime_indicator;
pub mod regime_rule;
pub mod report;
pub mod report_item;
pub mod report_number;
pub mod report_reminder;
pub mod report_rollup;
pub mod report_signature;
pub mod report_value;
pub mod reporting_period;
pub mod reporting_regime;
pub mod role_grant;
pub mod search;
pub mod unit;
pub mod unit_lineage;
