//! Users, their role grants, signing in, and the GraphQL face of identity.

pub mod graphql;
pub mod login;
pub mod service;
