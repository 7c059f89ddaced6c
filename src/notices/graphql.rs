//! Notices in GraphQL: `myNotices`, the `notices` subscription, webhooks
//! and their delivery log, `registerWebhook`, `deactivateWebhook`,
//! `redeliver`, `setEmail`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Subscription};
use entity::delivery;
use entity::notice;
use entity::role_grant::Role;
use entity::webhook;
use futures_util::Stream;
use uuid::Uuid;

use super::events::NoticeEvents;
use super::webhooks as service;
use crate::auth::{Session, Viewer};
use crate::error::{AppError, AppResult};
use crate::graphql::{
    ContextExt, DateTime, Json, NodeKind, UserError, decode_id_of, encode_id, split,
};
use crate::pagination::{Cursor, Page, PageInfo, PageRequest, page_complexity};
use crate::units::graphql::{Unit, unit_by_id};
use crate::users::graphql::User;

/// What a notice is about; a webhook listens to some topics.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::notice::Topic")]
pub enum NoticeTopic {
    /// A reporting unit's report is missing: its REPORTERs are reminded (remindMissing).
    ReportReminder,
    /// A report was returned to its reporting unit with a reason.
    ReportReturned,
    /// A body is asked for its opinion on a proposal (requestOpinions).
    OpinionRequested,
    /// An opinion request is past its due date unanswered (the sweep).
    OpinionOverdue,
    /// An authorization (ủy quyền) ends within the notice days, today, or has ended (the sweep).
    AuthorizationExpiring,
    /// A plan's task is due soon or today.
    TaskDue,
    /// A plan's task is past its deadline.
    TaskOverdue,
    /// A task's result was returned to its lead unit.
    TaskReturned,
    /// An inspection's recommendation is due.
    RecommendationDue,
}

crate::labels!(NoticeTopic {
    ReportReminder => "Nhắc gửi báo cáo",
    ReportReturned => "Báo cáo bị trả lại",
    OpinionRequested => "Đề nghị cho ý kiến",
    OpinionOverdue => "Quá hạn cho ý kiến",
    AuthorizationExpiring => "Ủy quyền sắp hết hạn",
    TaskDue => "Nhiệm vụ đến hạn",
    TaskOverdue => "Nhiệm vụ quá hạn",
    TaskReturned => "Nhiệm vụ bị trả lại",
    RecommendationDue => "Kiến nghị đến hạn",
});

/// Where a delivery stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::delivery::DeliveryStatus")]
pub enum DeliveryStatus {
    /// Not yet attempted.
    Pending,
    /// The receiver took it (HTTP 2xx, or the SMTP server accepted it).
    Delivered,
    /// An attempt failed; it is tried again at `nextAttemptAt`.
    Failed,
    /// Every attempt failed (or the webhook was deactivated); `redeliver` tries again.
    GaveUp,
}

crate::labels!(DeliveryStatus {
    Pending => "Chờ gửi",
    Delivered => "Đã gửi",
    Failed => "Lỗi, chờ gửi lại",
    GaveUp => "Không gửi được",
});

/// How a delivery travels.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::delivery::Channel")]
pub enum DeliveryChannel {
    /// An HTTP POST to a registered webhook.
    Webhook,
    /// An e-mail over SMTP.
    Email,
}

crate::labels!(DeliveryChannel {
    Webhook => "Webhook",
    Email => "Thư điện tử",
});

/// A notice.
pub struct Notice(pub notice::Model);

/// A notice (thông báo): something that happened which someone must act
/// on, written in the same transaction as the change, and delivered to its
/// recipients' subscription, e-mail and the webhooks listening.
#[Object]
impl Notice {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Notice, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// What it is about.
    async fn topic(&self) -> NoticeTopic {
        self.0.topic.into()
    }

    /// The GraphQL type of the object it is about, e.g. `Report`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The global id of the object it is about (fetch it with `node`).
    async fn entity_id(&self) -> ID {
        match NodeKind::from_type_name(&self.0.entity_type) {
            Some(kind) => encode_id(kind, self.0.entity_id),
            None => ID(self.0.entity_id.to_string()),
        }
    }

    /// The unit it concerns.
    async fn unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Unit> {
        unit_by_id(ctx, self.0.unit_id, None).await
    }

    /// One line, in Vietnamese (the e-mail subject).
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The text, in Vietnamese (the e-mail body).
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// Machine-readable details (webhook bodies carry them as `data`).
    async fn data(&self) -> Json {
        Json(serde_json::from_str(&self.0.payload).unwrap_or(serde_json::Value::Null))
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// A registered webhook.
pub struct Webhook(pub webhook::Model);

/// A URL told of notices by signed HTTP POSTs, registered by a service
/// account (or an ADMIN). It receives the notices of its topics about
/// units its owner may read. Readable by its owner and ADMINs over the
/// owner's home unit.
#[Object]
impl Webhook {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::Webhook, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// Where notices are posted.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The topics it listens to.
    async fn topics(&self) -> Vec<NoticeTopic> {
        use sea_orm::ActiveEnum;
        self.0
            .topics
            .split(',')
            .filter_map(|t| notice::Topic::try_from_value(&t.to_owned()).ok())
            .map(Into::into)
            .collect()
    }

    /// False once deactivated: nothing more is sent.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it was deactivated.
    async fn deactivated_at(&self) -> Option<DateTime> {
        self.0.deactivated_at.map(DateTime)
    }

    /// The account that owns it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        use sea_orm::EntityTrait;
        Ok(entity::app_user::Entity::find_by_id(self.0.owner_user_id)
            .one(ctx.db())
            .await
            .map_err(AppError::from)?
            .map(User))
    }

    /// The delivery log, newest first.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<WebhookDeliveryConnection> {
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let page = service::deliveries(ctx.db(), self.0.id, &page).await?;
        Ok(WebhookDeliveryConnection {
            page,
            webhook: self.0.id,
        })
    }
}

/// One notice sent to one target.
pub struct WebhookDelivery(pub delivery::Model);

/// One notice to one target (a webhook or an e-mail address) and how its
/// sending went: the delivery log.
#[Object]
impl WebhookDelivery {
    /// Opaque global id; webhooks receive the same as `X-Phancap-Delivery`
    /// and `delivery` in the body, to drop a repeated delivery.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::WebhookDelivery, self.0.id)
    }

    /// When it last changed: the time of its latest change in the change
    /// feed, its own or one of what belongs to it.
    pub async fn updated_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<crate::graphql::DateTime> {
        Ok(crate::feed::loaders::updated_at(ctx, self.0.id).await?)
    }

    /// The notice delivered.
    async fn notice(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Notice>> {
        use sea_orm::EntityTrait;
        Ok(notice::Entity::find_by_id(self.0.notice_id)
            .one(ctx.db())
            .await
            .map_err(AppError::from)?
            .map(Notice))
    }

    /// Webhook or e-mail.
    async fn channel(&self) -> DeliveryChannel {
        self.0.channel.into()
    }

    /// The address of an e-mail delivery.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// Where it stands.
    async fn status(&self) -> DeliveryStatus {
        self.0.status.into()
    }

    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// When it is (or was to be) tried next.
    async fn next_attempt_at(&self) -> DateTime {
        DateTime(self.0.next_attempt_at)
    }

    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// The HTTP status the receiver last answered (webhooks).
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(DateTime)
    }

    /// When it was written, with its notice.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

fn id_cursor(id: Uuid) -> Cursor {
    Cursor::new("", id)
}

/// A page of a webhook's deliveries (Relay connection), newest first.
pub struct WebhookDeliveryConnection {
    page: Page<delivery::Model>,
    webhook: Uuid,
}

/// A delivery and its cursor.
#[derive(SimpleObject)]
pub struct WebhookDeliveryEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The delivery.
    node: WebhookDelivery,
}

/// A page of a webhook's deliveries (Relay connection), newest first.
#[Object]
impl WebhookDeliveryConnection {
    /// The deliveries of this page with their cursors.
    async fn edges(&self) -> Vec<WebhookDeliveryEdge> {
        self.page
            .items
            .iter()
            .map(|d| WebhookDeliveryEdge {
                cursor: id_cursor(d.id).encode(),
                node: WebhookDelivery(d.clone()),
            })
            .collect()
    }

    /// The deliveries of this page.
    async fn nodes(&self) -> Vec<WebhookDelivery> {
        self.page
            .items
            .iter()
            .cloned()
            .map(WebhookDelivery)
            .collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, |d| id_cursor(d.id))
    }

    /// How many deliveries the webhook has had.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(service::delivery_count(ctx.db(), self.webhook).await?)
    }
}

/// A page of the caller's notices (Relay connection), newest first.
pub struct NoticeConnection {
    page: Page<notice::Model>,
    topic: Option<notice::Topic>,
}

/// A notice and its cursor.
#[derive(SimpleObject)]
pub struct NoticeEdge {
    /// Pass as `after` or `before` to page from here.
    cursor: String,
    /// The notice.
    node: Notice,
}

/// A page of the caller's notices (Relay connection), newest first.
#[Object]
impl NoticeConnection {
    /// The notices of this page with their cursors.
    async fn edges(&self) -> Vec<NoticeEdge> {
        self.page
            .items
            .iter()
            .map(|n| NoticeEdge {
                cursor: id_cursor(n.id).encode(),
                node: Notice(n.clone()),
            })
            .collect()
    }

    /// The notices of this page.
    async fn nodes(&self) -> Vec<Notice> {
        self.page.items.iter().cloned().map(Notice).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.page, |n| id_cursor(n.id))
    }

    /// How many notices reached the caller (of the topic asked).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let viewer = ctx.signed_in()?;
        Ok(service::my_notice_count(ctx.db(), viewer, self.topic).await?)
    }
}

/// Reads of notices and webhooks.
#[derive(Default)]
pub struct NoticeQuery;

#[Object]
impl NoticeQuery {
    /// The notices that reached the caller, newest first: those to them,
    /// and those to the holders of a role over a unit one of their grants
    /// of that role covers.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn my_notices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only notices of this topic.")] topic: Option<NoticeTopic>,
        #[graphql(
            desc = "At most this many items from the start of the list (0 to 100; 20 when neither `first` nor `last` is given). Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Only items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items from the end of the list (0 to 100). Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<NoticeConnection> {
        let viewer = ctx.signed_in()?;
        let page = PageRequest::parse(first, after.as_deref(), last, before.as_deref())?;
        let topic = topic.map(Into::into);
        let page = service::my_notices(ctx.db(), viewer, topic, &page).await?;
        Ok(NoticeConnection { page, topic })
    }

    /// The caller's webhooks, newest first; an ADMIN also sees those of
    /// the accounts whose home unit is in scope.
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let viewer = ctx.signed_in()?;
        let hooks = service::list(ctx.db(), viewer).await?;
        Ok(hooks.into_iter().map(Webhook).collect())
    }
}

/// A webhook to register.
#[derive(InputObject)]
pub struct RegisterWebhookInput {
    /// `http://host[:port]/path`, at most 2000 characters.
    #[graphql(validator(max_length = 2000))]
    pub url: String,
    /// The topics to be told of; at least one.
    #[graphql(validator(max_items = 20))]
    pub topics: Vec<NoticeTopic>,
}

/// The result of `registerWebhook`.
#[derive(SimpleObject)]
pub struct RegisterWebhookPayload {
    /// The webhook; null when refused.
    pub webhook: Option<Webhook>,
    /// The HMAC key the signatures are made with (64 hex characters, used
    /// as its ASCII bytes). Shown this once: keep it.
    pub secret: Option<String>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A webhook to deactivate.
#[derive(InputObject)]
pub struct DeactivateWebhookInput {
    /// The webhook, active, yours or of an account in your ADMIN scope.
    pub webhook: ID,
}

/// The result of `deactivateWebhook`.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The webhook as changed; null when refused.
    pub webhook: Option<Webhook>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A delivery to send again.
#[derive(InputObject)]
pub struct RedeliverInput {
    /// A DELIVERED or GAVE_UP delivery of a webhook you manage (or an
    /// e-mail to you).
    pub delivery: ID,
}

/// The result of `redeliver`.
#[derive(SimpleObject)]
pub struct RedeliverPayload {
    /// The delivery, PENDING again; null when refused.
    pub delivery: Option<WebhookDelivery>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// An e-mail address to set.
#[derive(InputObject)]
pub struct SetEmailInput {
    /// Whose: yourself (default), or a user in your ADMIN scope.
    pub user: Option<ID>,
    /// The address, at most 254 characters; null or blank clears it.
    #[graphql(validator(max_length = 254))]
    pub email: Option<String>,
}

/// The result of `setEmail`.
#[derive(SimpleObject)]
pub struct SetEmailPayload {
    /// The user as changed; null when refused.
    pub user: Option<User>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Mutations of webhooks and e-mail.
#[derive(Default)]
pub struct NoticeMutation;

#[Object]
impl NoticeMutation {
    /// Registers a webhook (service accounts, and ADMINs): notices of its
    /// topics about units the account may read are POSTed to it, signed.
    /// The payload shows the secret once.
    async fn register_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The URL and the topics.")] input: RegisterWebhookInput,
    ) -> async_graphql::Result<RegisterWebhookPayload> {
        let viewer = ctx.signed_in()?;
        let topics: Vec<notice::Topic> = input.topics.into_iter().map(Into::into).collect();
        let result = service::register(ctx.db(), viewer, &input.url, &topics).await;
        let (registered, user_errors) = split(result)?;
        Ok(RegisterWebhookPayload {
            secret: registered.as_ref().map(|r| r.webhook.secret.clone()),
            webhook: registered.map(|r| Webhook(r.webhook)),
            user_errors,
        })
    }

    /// Stops a webhook (its owner, or an ADMIN over the owner's home unit).
    async fn deactivate_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook.")] input: DeactivateWebhookInput,
    ) -> async_graphql::Result<WebhookPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::Webhook, "webhook", &input.webhook)?;
        let (hook, user_errors) = split(service::deactivate(ctx.db(), viewer, id).await)?;
        Ok(WebhookPayload {
            webhook: hook.map(Webhook),
            user_errors,
        })
    }

    /// Sends a DELIVERED or GAVE_UP delivery again, with a fresh count of
    /// attempts.
    async fn redeliver(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery.")] input: RedeliverInput,
    ) -> async_graphql::Result<RedeliverPayload> {
        let viewer = ctx.signed_in()?;
        let id = decode_id_of(NodeKind::WebhookDelivery, "delivery", &input.delivery)?;
        let (delivery, user_errors) = split(service::redeliver(ctx.db(), viewer, id).await)?;
        Ok(RedeliverPayload {
            delivery: delivery.map(WebhookDelivery),
            user_errors,
        })
    }

    /// Sets or clears the e-mail address notices are sent to: your own, or
    /// as ADMIN over the user's home unit.
    async fn set_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose address and the address.")] input: SetEmailInput,
    ) -> async_graphql::Result<SetEmailPayload> {
        let viewer = ctx.signed_in()?;
        let user = match &input.user {
            Some(id) => decode_id_of(NodeKind::User, "user", id)?,
            None => viewer.user.id,
        };
        if let Some(email) = &input.email {
            crate::text::checked("email", email, 254)?;
        }
        let result = service::set_email(ctx.db(), viewer, user, input.email.as_deref()).await;
        let (user, user_errors) = split(result)?;
        Ok(SetEmailPayload {
            user: user.map(User),
            user_errors,
        })
    }
}

/// The notices subscription.
#[derive(Default)]
pub struct NoticeSubscription;

#[Subscription]
impl NoticeSubscription {
    /// The notices that reach the caller, as they are written (within the
    /// dispatcher's poll interval, through whichever server wrote them).
    /// The token is checked again at every notice: the stream ends when it
    /// expires or the user is deactivated.
    async fn notices(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only notices of these topics (default: all).")] topics: Option<
            Vec<NoticeTopic>,
        >,
    ) -> async_graphql::Result<impl Stream<Item = Notice> + use<>> {
        let db = ctx.db().clone();
        let session = ctx.data_opt::<Session>().cloned();
        let viewer = match &session {
            Some(session) => session.viewer(&db).await?,
            None => ctx.viewer().cloned(),
        }
        .ok_or(AppError::Unauthenticated)?;
        let topics: Option<Vec<notice::Topic>> =
            topics.map(|t| t.into_iter().map(Into::into).collect());
        let events = ctx.data_opt::<NoticeEvents>().cloned().unwrap_or_default();
        let listener = Listener {
            events: events.subscribe(),
            deadline: session.as_ref().map(Session::deadline),
            session,
            db,
            viewer,
            topics,
        };
        Ok(futures_util::stream::unfold(
            listener,
            |mut listener| async move {
                let n = listener.next().await?;
                Some((Notice(n), listener))
            },
        ))
    }
}

struct Listener {
    events: tokio::sync::broadcast::Receiver<notice::Model>,
    session: Option<Session>,
    deadline: Option<tokio::time::Instant>,
    db: sea_orm::DatabaseConnection,
    viewer: Viewer,
    topics: Option<Vec<notice::Topic>>,
}

impl Listener {
    async fn next(&mut self) -> Option<notice::Model> {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let received = match self.deadline {
                Some(deadline) => tokio::select! {
                    received = self.events.recv() => received,
                    () = tokio::time::sleep_until(deadline) => return None,
                },
                None => self.events.recv().await,
            };
            let n = match received {
                Ok(n) => n,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            if let Some(session) = &self.session {
                self.viewer = session.viewer(&self.db).await.ok().flatten()?;
            }
            let wanted = self.topics.as_ref().is_none_or(|t| t.contains(&n.topic));
            if wanted && service::reaches(&self.viewer, &n) {
                return Some(n);
            }
        }
    }
}

/// The notice `id`, if it reached the viewer or they are ADMIN over its
/// unit (FORBIDDEN otherwise).
pub async fn notice_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Notice>> {
    use sea_orm::EntityTrait;
    let viewer = ctx.signed_in()?;
    let Some(n) = notice::Entity::find_by_id(id).one(ctx.db()).await? else {
        return Ok(None);
    };
    let admin = viewer
        .grants
        .iter()
        .any(|g| g.grant.role == Role::Admin && n.unit_path.starts_with(&g.scope.path));
    if !(admin || service::reaches(viewer, &n)) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Notice(n)))
}

/// The webhook `id`, if the viewer manages it.
pub async fn webhook_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Webhook>> {
    let viewer = ctx.signed_in()?;
    Ok(service::visible(ctx.db(), viewer, id).await?.map(Webhook))
}

/// The delivery `id`, if the viewer may see it.
pub async fn delivery_node(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<WebhookDelivery>> {
    let viewer = ctx.signed_in()?;
    Ok(service::visible_delivery(ctx.db(), viewer, id)
        .await?
        .map(WebhookDelivery))
}
