//! Database models of phancap: sea-orm entities only, no GraphQL and no
//! business rules. The schema itself is owned by the `migration` crate.

pub mod app_user;
pub mod audit_event;
pub mod audit_head;
pub mod document;
pub mod login_throttle;
pub mod mandate;
pub mod mandate_assignment;
pub mod role_grant;
pub mod unit;
pub mod unit_lineage;
