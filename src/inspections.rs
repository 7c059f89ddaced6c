//! Inspections of how delegated powers are used (thanh tra, kiểm tra; 6085/
//! UBND-TTPVHCC after the report 269/BC-SNV): Thanh tra tỉnh or Sở Nội vụ
//! inspects units and mandates for a period, records findings per unit and
//! mandate with their evidence, registers its conclusion report and
//! follows each recommendation to its owner until it is closed. A finding
//! that recommends amending or revoking a mandate opens a proposal.
//!
//! Inspection: PLANNED → IN_PROGRESS → CONCLUDED (conclusion report
//! registered) → FOLLOWING_UP (first recommendation) → CLOSED (every
//! recommendation done or closed). Recommendation: OPEN → DONE (its
//! follow-up task accepted) | CLOSED (by the inspecting body).

pub mod graphql;
pub mod loaders;
pub mod read;
pub mod service;
