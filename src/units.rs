//! The dated tree of administrative units (đơn vị hành chính) and the
//! provincial bodies under them, with the lineage between structures.

pub mod admin;
pub mod graphql;
pub mod import;
pub mod loaders;
pub mod service;
