//! The annual evaluation of every delegated content (đánh giá hằng năm,
//! KH 511 #7, Quảng Nam plan II.7 and III.2e): Sở Nội vụ opens a round per
//! province and year; each holder of a mandate in force on the round's day
//! assesses itself and recommends keeping, amending, revoking or expanding
//! it; the delegator assesses; Sở Nội vụ compiles the province's
//! evaluation and UBND tỉnh accepts it, which locks the round.
//!
//! Evaluation: NOT_STARTED → DRAFT → SELF_ASSESSED → (RETURNED → DRAFT →
//! SELF_ASSESSED)* → ASSESSED. Round: OPEN → COMPILED (again while
//! evaluations move) → ACCEPTED.

pub mod graphql;
pub mod loaders;
pub mod read;
pub mod service;
