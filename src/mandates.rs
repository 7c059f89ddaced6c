//! Mandates: what was delegated (phân cấp, ủy quyền) or devolved by law
//! (phân quyền), from whom to whom, on which legal basis, for how long and
//! with which resources; the rules that keep them lawful; and the legal
//! documents they rest on.

pub mod attachments;
pub mod bodies;
pub mod document_number;
pub mod documents;
pub mod graphql;
pub mod loaders;
pub mod matters;
pub mod rules;
pub mod service;
pub mod status;
