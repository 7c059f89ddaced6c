//! Database models of phancap: sea-orm entities only, no GraphQL and no
//! business rules. The schema itself is owned by the `migration` crate.

pub mod unit;
pub mod unit_lineage;
