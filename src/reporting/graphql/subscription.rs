//! `reportStatusChanged`: report status changes as they happen, for the
//! reports the subscriber may read.

use super::*;

/// A report's change of status.
pub struct ReportStatusChange(ReportEvent);

/// A report's change of status, as pushed to `reportStatusChanged`.
#[Object]
impl ReportStatusChange {
    /// The report after the change.
    async fn report(&self) -> Report {
        Report(self.0.report.clone())
    }

    /// The status before the change.
    async fn previous_status(&self) -> ReportStatus {
        self.0.previous.into()
    }

    /// The status after the change.
    async fn status(&self) -> ReportStatus {
        self.0.report.status.into()
    }

    /// When the change was made.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }
}

/// Subscriptions (graphql-transport-ws at `/graphql/ws`; the token goes in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}`).
#[derive(Default)]
pub struct ReportingSubscription;

#[Subscription]
impl ReportingSubscription {
    /// Status changes of the reports the caller may read, optionally only
    /// those whose reporter lies under `within`. The caller's token is
    /// checked again at every event: the stream ends when it expires, or
    /// when the user is deactivated or changes their password.
    async fn report_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only reports whose reporter lies in this unit's subtree; you need a grant over it."
        )]
        within: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ReportStatusChange> + use<>> {
        let db = ctx.db().clone();
        let session = ctx.data_opt::<Session>().cloned();
        let viewer = match &session {
            Some(session) => session.viewer(&db).await?,
            None => ctx.viewer().cloned(),
        }
        .ok_or(AppError::Unauthenticated)?;
        let within = match &within {
            Some(id) => {
                let uuid = unit_id("within", id)?;
                let unit = crate::units::service::existing(&db, uuid).await?;
                if !viewer.covers(&unit) {
                    return Err(AppError::Forbidden.into());
                }
                Some(unit.path)
            }
            None => None,
        };
        let events = ctx.data_opt::<ReportEvents>().cloned().unwrap_or_default();
        let listener = Listener {
            events: events.subscribe(),
            deadline: session.as_ref().map(Session::deadline),
            session,
            db,
            viewer,
            within,
            // Counted as open until the client stops it or goes away.
            _open: ctx
                .data_opt::<std::sync::Arc<crate::metrics::Metrics>>()
                .map(|m| m.subscription_opened()),
        };
        Ok(async_graphql::futures_util::stream::unfold(
            listener,
            |mut listener| async move {
                let event = listener.next().await?;
                Some((ReportStatusChange(event), listener))
            },
        ))
    }
}

/// One subscriber's state: what it hears, who it is, where it looks.
pub(super) struct Listener {
    events: tokio::sync::broadcast::Receiver<ReportEvent>,
    session: Option<Session>,
    deadline: Option<tokio::time::Instant>,
    db: DatabaseConnection,
    viewer: Viewer,
    within: Option<String>,
    _open: Option<crate::metrics::OpenOwned>,
}

impl Listener {
    /// The next event the viewer may see; None when the stream ends.
    async fn next(&mut self) -> Option<ReportEvent> {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let received = match self.deadline {
                Some(deadline) => tokio::select! {
                    received = self.events.recv() => received,
                    () = tokio::time::sleep_until(deadline) => return None,
                },
                None => self.events.recv().await,
            };
            let event = match received {
                Ok(event) => event,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            if let Some(session) = &self.session {
                self.viewer = session.viewer(&self.db).await.ok().flatten()?;
            }
            let visible = reports::can_see(
                Some(&self.viewer),
                &event.report.reporter_path,
                &event.recipient_path,
            );
            let inside = self
                .within
                .as_ref()
                .is_none_or(|path| event.report.reporter_path.starts_with(path));
            if visible && inside {
                return Some(event);
            }
        }
    }
}
