//! A person or a machine client that signs in and acts under role grants.

use sea_orm::entity::prelude::*;

/// A person, or another agency's system (inter-agency exchange).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum UserKind {
    #[sea_orm(string_value = "HUMAN")]
    Human,
    #[sea_orm(string_value = "SERVICE")]
    Service,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub username: String,
    pub full_name: String,
    pub home_unit_id: Uuid,
    pub kind: UserKind,
    /// Argon2id PHC string; None for service accounts, which use tokens.
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// Tokens issued under another version are refused: changing the
    /// password or deactivating the user bumps it.
    pub token_version: i32,
    /// Where e-mailed notices go; None: no e-mail.
    pub email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
