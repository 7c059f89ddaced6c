//! GraphQL face of mandates and legal documents.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::mandate;
use entity::role_grant::Role;
use entity::{document, mandate_assignment, unit};
use uuid::Uuid;

use super::loaders::MandateLoaders;
use super::{attachments, documents, service, status};
use crate::auth::{Authority, RoleGuard, Viewer};
use crate::calendar;
use crate::error::{AppError, AppResult, UserErrorCode};
use crate::graphql::ContextExt;
use crate::graphql::{Date, NodeKind, UserError, decode_id_of, encode_id, split};
use crate::pagination::{ListOrder, Page, PageInfo, PageRequest, page_complexity};
use crate::text;
use crate::units::graphql::{Unit, unit_by_id};
use crate::units::loaders::UnitLoaders;
use crate::units::service as units;

mod document_object;
mod lifecycle;
mod mandate_object;
mod matter;
mod read;
mod types;

pub use document_object::*;
pub use lifecycle::*;
pub use mandate_object::*;
pub use matter::*;
pub use read::*;
pub use types::*;

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a MandateLoaders {
    ctx.per_request::<MandateLoaders>()
}

fn units<'a>(ctx: &'a Context<'_>) -> &'a UnitLoaders {
    ctx.per_request::<UnitLoaders>()
}
