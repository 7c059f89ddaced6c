//! One notice to one target (a webhook or an e-mail address): the
//! delivery log.

use sea_orm::entity::prelude::*;

/// How a delivery travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Channel {
    #[sea_orm(string_value = "WEBHOOK")]
    Webhook,
    #[sea_orm(string_value = "EMAIL")]
    Email,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DeliveryStatus {
    /// Not yet attempted.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// Attempted and failed; tried again at `next_attempt_at`.
    #[sea_orm(string_value = "FAILED")]
    Failed,
    /// Failed as many times as allowed; only `redeliver` tries again.
    #[sea_orm(string_value = "GAVE_UP")]
    GaveUp,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub notice_id: Uuid,
    pub channel: Channel,
    pub webhook_id: Option<Uuid>,
    pub email: Option<String>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A dispatcher's lease: until then no other dispatcher takes it; a
    /// crash mid-send lets it lapse, and the delivery is tried again.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub last_status_code: Option<i32>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
