//! The GraphQL face of plans and tasks.
