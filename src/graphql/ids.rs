//! Opaque global ids: `base64url("<Type>:<uuid>")`. Clients must not parse
//! them; every entity also has a stable business code for that.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The types that have global ids (the `types` of the change feed).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[graphql(name = "NodeType")]
pub enum NodeKind {
    /// A unit of the administrative tree.
    Unit,
    /// A user account.
    User,
    /// A role granted to a user over a unit.
    RoleGrant,
    /// A legal document.
    Document,
    /// A delegated content.
    Mandate,
    /// One delegatee of a mandate.
    MandateAssignment,
    /// A reporting regime.
    Regime,
    /// A reporting period of a regime.
    ReportingPeriod,
    /// A report of a unit for a period.
    Report,
    /// A proposal to delegate, amend or revoke.
    Proposal,
    /// A request for the opinion of a body on a proposal.
    OpinionRequest,
    /// An annual evaluation round.
    EvaluationRound,
    /// The evaluation of one mandate in a round.
    Evaluation,
    /// A plan (kế hoạch).
    Plan,
    /// A task of a plan.
    Task,
    /// A notice of the outbox.
    Notice,
    /// A webhook of a service account.
    Webhook,
    /// One delivery of a notice.
    WebhookDelivery,
    /// An inspection of delegated powers.
    Inspection,
    /// A finding of an inspection.
    InspectionFinding,
    /// A recommendation of an inspection.
    InspectionRecommendation,
}

crate::labels!(NodeKind {
    Unit => "Đơn vị",
    User => "Người dùng",
    RoleGrant => "Vai trò người dùng",
    Document => "Văn bản",
    Mandate => "Nội dung phân cấp, ủy quyền",
    MandateAssignment => "Cơ quan nhận",
    Regime => "Chế độ báo cáo",
    ReportingPeriod => "Kỳ báo cáo",
    Report => "Báo cáo",
    Proposal => "Đề xuất",
    OpinionRequest => "Lấy ý kiến",
    EvaluationRound => "Đợt đánh giá",
    Evaluation => "Đánh giá",
    Plan => "Kế hoạch",
    Task => "Nhiệm vụ",
    Notice => "Thông báo",
    Webhook => "Webhook",
    WebhookDelivery => "Lần gửi webhook",
    Inspection => "Thanh tra, kiểm tra",
    InspectionFinding => "Kết quả thanh tra",
    InspectionRecommendation => "Kiến nghị thanh tra",
});

/// Every kind with the GraphQL type name its ids carry: the one table
/// ids are written and read by.
const KINDS: [(NodeKind, &str); 21] = [
    (NodeKind::Unit, "Unit"),
    (NodeKind::User, "User"),
    (NodeKind::RoleGrant, "RoleGrant"),
    (NodeKind::Document, "Document"),
    (NodeKind::Mandate, "Mandate"),
    (NodeKind::MandateAssignment, "MandateAssignment"),
    (NodeKind::Regime, "Regime"),
    (NodeKind::ReportingPeriod, "ReportingPeriod"),
    (NodeKind::Report, "Report"),
    (NodeKind::Proposal, "Proposal"),
    (NodeKind::OpinionRequest, "OpinionRequest"),
    (NodeKind::EvaluationRound, "EvaluationRound"),
    (NodeKind::Evaluation, "Evaluation"),
    (NodeKind::Plan, "Plan"),
    (NodeKind::Task, "Task"),
    (NodeKind::Notice, "Notice"),
    (NodeKind::Webhook, "Webhook"),
    (NodeKind::WebhookDelivery, "WebhookDelivery"),
    (NodeKind::Inspection, "Inspection"),
    (NodeKind::InspectionFinding, "InspectionFinding"),
    (
        NodeKind::InspectionRecommendation,
        "InspectionRecommendation",
    ),
];

impl NodeKind {
    /// The GraphQL type name of this kind.
    pub fn type_name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("", |(_, name)| name)
    }

    /// The kind whose GraphQL type is named `name`.
    pub fn from_type_name(name: &str) -> Option<Self> {
        KINDS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(kind, _)| *kind)
    }
}

/// The global id of an entity.
pub fn encode_id(kind: NodeKind, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.type_name())))
}

/// Reads a global id; a string this server did not produce is bad input.
pub fn decode_id(id: &ID) -> AppResult<(NodeKind, Uuid)> {
    let bad = || AppError::invalid(format!("`{}` is not a valid id", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (prefix, uuid) = text.split_once(':').ok_or_else(bad)?;
    let kind = NodeKind::from_type_name(prefix).ok_or_else(bad)?;
    Ok((kind, Uuid::parse_str(uuid).map_err(|_| bad())?))
}

/// Reads a global id that must name an object of `kind`.
pub fn decode_id_of(kind: NodeKind, field: &str, id: &ID) -> AppResult<Uuid> {
    match decode_id(id) {
        Ok((found, uuid)) if found == kind => Ok(uuid),
        _ => Err(AppError::invalid(format!(
            "`{field}` must be the id of a {}",
            kind.type_name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_foreign_strings_are_refused() {
        let uuid = Uuid::now_v7();
        let id = encode_id(NodeKind::Unit, uuid);
        assert_eq!(decode_id(&id).unwrap(), (NodeKind::Unit, uuid));
        assert!(decode_id(&ID("Unit:123".into())).is_err());
        assert!(decode_id(&ID(URL_SAFE_NO_PAD.encode("Report:x"))).is_err());
        assert!(decode_id_of(NodeKind::Unit, "within", &id).is_ok());
        for (kind, name) in KINDS {
            assert_eq!(NodeKind::from_type_name(name), Some(kind));
            assert_eq!(kind.type_name(), name);
        }
    }
}
