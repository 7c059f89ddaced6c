//! Who is calling: passwords, tokens, and the viewer with their role
//! grants. Authentication happens at the HTTP edge; coarse role gates sit
//! on fields ([`RoleGuard`]); scope checks live in the services, which take
//! the [`Viewer`].

pub mod password;
pub mod secret;
pub mod tokens;
pub mod viewer;

pub use tokens::{ExternalKey, TokenService};
pub use viewer::{Authority, RoleGuard, ScopedGrant, Session, Viewer, viewer};
