//! Vietnamese for the people who read what the API returns: a label for
//! every enum value, written once beside its enum with [`labels!`], the
//! language of a request (`Accept-Language`), and the `labels` query that
//! gives frontends one table instead of a translation of their own each.
//!
//! A value's label is what a form, a list or a printed sheet shows for it
//! ("Phân cấp" for `DECENTRALIZATION`, "Đã gửi" for `SUBMITTED`). The
//! labels of `UserErrorCode` are the Vietnamese messages of `userErrors`.

use async_graphql::{Context, EnumType, Object, SimpleObject};

/// The language a request's messages are written in: Vietnamese unless the
/// caller prefers English (`Accept-Language: en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English, for `Accept-Language: en` (and `en-US`, `en;q=0.9,vi;q=0.5`…).
    En,
}

impl Lang {
    /// The language of an `Accept-Language` header: English when English
    /// is preferred over Vietnamese (by q-value, then by order), otherwise
    /// Vietnamese. Languages other than these two are passed over; a
    /// malformed header reads as no header.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Vi;
        };
        let mut best: Option<(f32, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            let lang = match primary.as_str() {
                "vi" => Lang::Vi,
                "en" => Lang::En,
                _ => continue,
            };
            let mut q = 1.0f32;
            for param in parts {
                let param = param.trim();
                if param.len() >= 2 && param[..2].eq_ignore_ascii_case("q=") {
                    q = param[2..].trim().parse().unwrap_or(0.0);
                }
            }
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Vi, |(_, lang)| lang)
    }

    /// The language of a request's headers: every `Accept-Language` line
    /// read as one list.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
        let lines: Vec<&str> = headers
            .get_all(axum::http::header::ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if lines.is_empty() {
            return Lang::Vi;
        }
        Lang::from_accept_language(Some(&lines.join(",")))
    }

    /// `vi` or `en`, whichever this language is.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The language of the request being resolved (Vietnamese when none
    /// was set, as in tests that build a context by hand).
    pub fn of(ctx: &Context<'_>) -> Lang {
        ctx.data_opt::<Lang>().copied().unwrap_or_default()
    }
}

/// An enum whose every value has a Vietnamese label; implemented with
/// [`labels!`] beside the enum.
pub trait Labelled: EnumType + async_graphql::OutputType + Copy + Eq + 'static {
    /// The Vietnamese label of this value.
    fn label(self) -> &'static str;
}

/// Gives every value of a GraphQL enum its Vietnamese label, beside the
/// enum: `labels!(Sector { NoiVu => "Nội vụ", TuPhap => "Tư pháp", … });`.
/// The match is exhaustive, so a value added without a label does not
/// compile.
#[macro_export]
macro_rules! labels {
    ($ty:ident { $($variant:ident => $label:expr),+ $(,)? }) => {
        impl $crate::labels::Labelled for $ty {
            fn label(self) -> &'static str {
                match self {
                    $($ty::$variant => $label,)+
                }
            }
        }
    };
}

/// One value of an enum and its label.
#[derive(Debug, Clone, SimpleObject)]
pub struct EnumValueLabel {
    /// The value as the API writes it (`DECENTRALIZATION`).
    pub value: &'static str,
    /// What to show a person for it, in Vietnamese ("Phân cấp").
    pub label: &'static str,
}

/// The labels of one enum.
#[derive(Debug, Clone, SimpleObject)]
pub struct EnumLabels {
    /// The enum's name in the schema (`MandateKind`).
    #[graphql(name = "enum")]
    pub name: String,
    /// Every value, in the schema's order.
    pub values: Vec<EnumValueLabel>,
}

/// The labels of `T`'s values.
fn of<T: Labelled>() -> EnumLabels {
    EnumLabels {
        name: T::type_name().into_owned(),
        values: T::items()
            .iter()
            .map(|item| EnumValueLabel {
                value: item.name,
                label: item.value.label(),
            })
            .collect(),
    }
}

/// Every enum of the schema with its labels, by name.
pub fn all() -> Vec<EnumLabels> {
    let mut all = registry();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// The enums with labels; a test checks that this is every enum of the
/// schema.
fn registry() -> Vec<EnumLabels> {
    use crate::mandates::graphql::*;
    vec![
        of::<crate::error::UserErrorCode>(),
        of::<MandateKind>(),
        of::<crate::pagination::OrderField>(),
        of::<crate::pagination::OrderDirection>(),
        of::<crate::plans::graphql::TaskStatus>(),
        of::<crate::plans::graphql::TaskTimeKind>(),
        of::<crate::plans::graphql::TaskRecurrence>(),
        of::<crate::plans::graphql::AssigneeGroup>(),
        of::<crate::plans::graphql::TaskUpdateKind>(),
        of::<crate::plans::graphql::OwedItemKind>(),
        of::<crate::reporting::graphql::Frequency>(),
        of::<crate::reporting::graphql::CutoffRule>(),
        of::<crate::reporting::graphql::Aggregation>(),
        of::<crate::reporting::graphql::ValueType>(),
        of::<crate::reporting::graphql::Comparison>(),
        of::<crate::reporting::graphql::ReportStatus>(),
        of::<crate::reporting::graphql::DayKind>(),
        of::<crate::reporting::graphql::ImplementationStatus>(),
        of::<crate::reporting::graphql::Proposal>(),
        of::<crate::users::graphql::Role>(),
        of::<crate::users::graphql::UserKind>(),
        of::<crate::exports::graphql::ExportFormat>(),
        of::<crate::graphql::NodeKind>(),
        of::<crate::units::graphql::UnitKind>(),
        of::<crate::units::graphql::AdminType>(),
        of::<crate::units::graphql::LineageKind>(),
        of::<crate::imports::graphql::ImportFormat>(),
        of::<crate::inspections::graphql::InspectionStatus>(),
        of::<crate::inspections::graphql::FindingKind>(),
        of::<crate::inspections::graphql::MandateAction>(),
        of::<crate::inspections::graphql::InspectionMemberRole>(),
        of::<crate::inspections::graphql::RecommendationStatus>(),
        of::<crate::proposals::graphql::ProposalKind>(),
        of::<crate::proposals::graphql::ProposalStatus>(),
        of::<crate::proposals::graphql::OpinionAnswer>(),
        of::<crate::proposals::graphql::AppraisalConclusion>(),
        of::<crate::feed::graphql::ChangeKind>(),
        of::<CoverageStatus>(),
        of::<MatterHolder>(),
        of::<Sector>(),
        of::<DocumentType>(),
        of::<SignerCapacity>(),
        of::<DocumentLinkKind>(),
        of::<DelegatorCapacity>(),
        of::<MandateStatus>(),
        of::<AssignmentStatus>(),
        of::<crate::notices::graphql::NoticeTopic>(),
        of::<crate::notices::graphql::DeliveryStatus>(),
        of::<crate::notices::graphql::DeliveryChannel>(),
        of::<crate::evaluations::graphql::EvaluationStatus>(),
        of::<crate::evaluations::graphql::EvaluationResult>(),
        of::<crate::evaluations::graphql::EvaluationRoundStatus>(),
    ]
}

/// The `labels` query.
#[derive(Default)]
pub struct LabelsQuery;

#[Object]
impl LabelsQuery {
    /// The Vietnamese label of every value of the schema's enums, the one
    /// table frontends show them by (`DECENTRALIZATION` → "Phân cấp",
    /// `SUBMITTED` → "Đã gửi"). The labels of `UserErrorCode` are the
    /// Vietnamese messages of `userErrors`. Anyone may read it.
    async fn labels(
        &self,
        #[graphql(
            desc = "Only these enums, by their schema names (`MandateKind`); all of them when omitted. An unknown name is BAD_USER_INPUT."
        )]
        enums: Option<Vec<String>>,
    ) -> async_graphql::Result<Vec<EnumLabels>> {
        let all = all();
        let Some(names) = enums else {
            return Ok(all);
        };
        if let Some(unknown) = names.iter().find(|n| !all.iter().any(|e| &e.name == *n)) {
            let shown: String = unknown.chars().take(60).collect();
            return Err(crate::error::AppError::invalid(format!(
                "`enums`: `{shown}` is not an enum of the schema"
            ))
            .into());
        }
        Ok(all
            .into_iter()
            .filter(|e| names.contains(&e.name))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_what_the_caller_prefers() {
        for (header, lang) in [
            (None, Lang::Vi),
            (Some(""), Lang::Vi),
            (Some("en"), Lang::En),
            (Some("en-US,en;q=0.9"), Lang::En),
            (Some("EN-gb"), Lang::En),
            (Some("vi-VN,vi;q=0.9,en;q=0.8"), Lang::Vi),
            (Some("vi;q=0.4, en;q=0.6"), Lang::En),
            (Some("en;q=0.5, vi"), Lang::Vi),
            (Some("fr-FR, en;q=0.3"), Lang::En),
            (Some("fr, de"), Lang::Vi),
            (Some("en;q=0"), Lang::Vi),
            (Some("en;q=abc"), Lang::Vi),
            (Some("en;Q=0, vi;q=0.1"), Lang::Vi),
            (Some("vi;Q=0.2, en;Q=0.9"), Lang::En),
            (Some(";;,,"), Lang::Vi),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header:?}");
        }
    }
}
