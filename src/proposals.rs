//! The way to a decision (LAW.md §5.2, DESIGN "The loop around a
//! mandate"): a unit proposes (đề xuất) to delegate, amend or revoke; the
//! body that drafts the decision (cơ quan tham mưu) takes it up, drafts the
//! mandates, asks opinions (Sở Tài chính's where a budget goes with it,
//! R13); Sở Tư pháp appraises the drafts (thẩm định; every decentralization,
//! and authorizations where the province's policy says so); a Tờ trình
//! carries them to UBND tỉnh (or through it to HĐND), whose decision issues
//! them. Every step is a dated event with its reason, audited, and visible
//! to the proposing unit.

/// Opinions and the appraisal.
pub mod consult;
/// The Tờ trình and the decision.
pub mod decide;
/// The GraphQL face of proposals.
pub mod graphql;
/// Lists, visibility and what a viewer may do.
pub mod read;
/// The proposal's life: drafting, submission, taking up, returns.
pub mod service;
