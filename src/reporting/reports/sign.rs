//! Sign-off inside the reporting unit, and paper reports the recipient
//! enters afterwards.
//!
//! Under a regime with `signOff` a report goes out only under its
//! number and its head's signature (Nghị định 09/2019 Điều 8: a report is
//! an administrative document of its unit; NĐ 30/2020 for its number):
//! the unit's APPROVER signs the finished draft (`signReport`), and any
//! later change to the draft removes the signature. A report kept on paper
//! is entered by its recipient with the paper's number, signer and the
//! day it arrived, from which its lateness is counted.

use chrono::{Datelike, NaiveDate};
use entity::document::DocumentType;
use entity::{report_number, report_signature};

use super::*;
use crate::mandates::document_number;
use crate::text::check_text;

/// A signature as given: the report's number, who signed it, in which
/// capacity, on which day.
#[derive(Debug, Clone)]
pub struct SignatureInput {
    pub number: String,
    pub signer_name: String,
    pub signer_title: String,
    pub signed_on: NaiveDate,
}

/// A paper report as its recipient enters it: its signature, the day it
/// arrived and what it says.
#[derive(Debug, Clone)]
pub struct PaperInput {
    pub signature: SignatureInput,
    pub received_on: NaiveDate,
    pub content: DraftInput,
}

/// The signature a report carries, if any.
pub async fn signature_of(
    db: &impl ConnectionTrait,
    report_id: Uuid,
) -> AppResult<Option<report_signature::Model>> {
    Ok(report_signature::Entity::find_by_id(report_id)
        .one(db)
        .await?)
}

/// Removes a report's signature: what was signed has changed.
pub(super) async fn unsign(txn: &DatabaseTransaction, report_id: Uuid) -> AppResult<()> {
    report_signature::Entity::delete_many()
        .filter(report_signature::Column::ReportId.eq(report_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Records the number `report_id` goes out under, so that it stays taken
/// once the report is returned and signed again.
pub(super) async fn spend_number(txn: &DatabaseTransaction, report_id: Uuid) -> AppResult<()> {
    let Some(signature) = signature_of(txn, report_id).await? else {
        return Ok(());
    };
    let spent = report_number::Entity::find_by_id((report_id, signature.number_key.clone()))
        .one(txn)
        .await?;
    if spent.is_none() {
        report_number::Entity::insert(
            report_number::Model {
                report_id,
                number_key: signature.number_key,
                signed_year: signature.signed_on.year(),
            }
            .into_active_model(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Refuses to send `r` unsigned under a regime that asks for sign-off.
pub(super) async fn check_signed(txn: &DatabaseTransaction, r: &report::Model) -> AppResult<()> {
    let regime = regimes::existing(txn, r.regime_id).await?;
    if regime.sign_off && signature_of(txn, r.id).await?.is_none() {
        return Err(AppError::rule(
            None,
            UserErrorCode::Unsigned,
            "the regime asks for the head's signature: the unit's APPROVER signs the report (signReport) before it is sent [NĐ 09/2019/NĐ-CP Điều 8]",
        ));
    }
    Ok(())
}

/// Checks a signature for a report of `reporter` in `period` and returns
/// the row to store (`signed_by` None for a paper report).
async fn checked_signature(
    txn: &DatabaseTransaction,
    r: &report::Model,
    reporter: &unit::Model,
    input: SignatureInput,
    signed_by: Option<String>,
) -> AppResult<report_signature::Model> {
    let number = check_text("number", &input.number, 64)?;
    document_number::check_issued(
        &number,
        DocumentType::Bc,
        input.signed_on.year(),
        Some(reporter),
    )?;
    let period = existing_period(txn, r.period_id).await?;
    if input.signed_on > crate::calendar::today() || input.signed_on < period.data_from {
        return Err(AppError::rule(
            Some("signedOn"),
            UserErrorCode::InvalidDate,
            format!(
                "a report of {} is signed between the first day of its data ({}) and today",
                period.code, period.data_from
            ),
        ));
    }
    let key = crate::text::number_key(&number);
    // A unit numbers its reports once a year: the number another report of
    // the unit carries, or went out under, that year is taken.
    let of_unit = || {
        Query::select()
            .column(report::Column::Id)
            .from(report::Entity)
            .and_where(report::Column::ReporterUnitId.eq(r.reporter_unit_id))
            .and_where(report::Column::Id.ne(r.id))
            .to_owned()
    };
    let year = input.signed_on.year();
    let carried = report_signature::Entity::find()
        .filter(report_signature::Column::NumberKey.eq(key.as_str()))
        .filter(report_signature::Column::ReportId.in_subquery(of_unit()))
        .all(txn)
        .await?
        .into_iter()
        .any(|s| s.signed_on.year() == year);
    let spent = report_number::Entity::find()
        .filter(report_number::Column::NumberKey.eq(key.as_str()))
        .filter(report_number::Column::SignedYear.eq(year))
        .filter(report_number::Column::ReportId.in_subquery(of_unit()))
        .one(txn)
        .await?
        .is_some();
    if carried || spent {
        return Err(AppError::rule(
            Some("number"),
            UserErrorCode::DuplicateDocument,
            format!(
                "{} already numbered another report {number} in {year}",
                reporter.name,
            ),
        ));
    }
    Ok(report_signature::Model {
        report_id: r.id,
        number,
        number_key: key,
        signer_name: check_text("signerName", &input.signer_name, 200)?,
        signer_title: check_text("signerTitle", &input.signer_title, 200)?,
        signed_on: input.signed_on,
        signed_by,
        paper: false,
        received_on: None,
        recorded_at: Utc::now(),
    })
}

/// Signs a finished draft: APPROVER of the reporting unit (Sở Nội vụ for
/// the compiled report), while the report is DRAFT or RETURNED and
/// complete. Signing again replaces the signature.
pub async fn sign(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: SignatureInput,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let current = existing(&txn, id).await?;
    let reporter = existing_unit(&txn, current.reporter_unit_id).await?;
    let actor = by.require(Role::Approver, &reporter)?;
    if current.version != expected_version {
        return Err(conflict(&current));
    }
    require_editable(&current)?;
    if current.status == ReportStatus::NotStarted {
        return Err(AppError::rule(
            None,
            UserErrorCode::NothingToSign,
            "nothing has been written yet: the reporter drafts the report first",
        ));
    }
    if current.compiled {
        check_compilation(&txn, &current).await?;
    } else {
        check_complete(&txn, &current).await?;
    }
    let signature = checked_signature(
        &txn,
        &current,
        &reporter,
        input,
        Some(actor.username.clone()),
    )
    .await?;
    unsign(&txn, id).await?;
    report_signature::Entity::insert(signature.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    let next = write(&txn, &current, expected_version, current.clone()).await?;
    let change = Change {
        action: "signReport",
        entity_type: "Report",
        entity_id: id,
        scope_unit_id: Some(current.reporter_unit_id),
        before: None,
        after: Some(signature_json(&signature)),
    };
    audit::record(&txn, &actor, change).await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}

fn signature_json(s: &report_signature::Model) -> Value {
    json!({
        "number": s.number, "signerName": s.signer_name, "signerTitle": s.signer_title,
        "signedOn": s.signed_on, "paper": s.paper, "receivedOn": s.received_on,
    })
}

/// The instant a day begins in Vietnam (UTC+7).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    end_of_day(day.pred_opt().unwrap_or(day))
}

/// Enters a report kept on paper: REVIEWER over its recipient, for a unit
/// report never submitted. Its content is checked as a submission is; it
/// arrives SUBMITTED under the paper's signature, counted on time or late
/// by the day it was received, and is then reviewed like any other.
pub async fn record_paper(
    db: &DatabaseConnection,
    by: Authority<'_>,
    id: Uuid,
    expected_version: i32,
    input: PaperInput,
) -> AppResult<Transition> {
    let txn = crate::db::begin(db).await?;
    let current = existing(&txn, id).await?;
    let recipient = existing_unit(&txn, current.recipient_unit_id).await?;
    let actor = by.require(Role::Reviewer, &recipient)?;
    check_kind(&current, Review::Unit)?;
    if current.version != expected_version {
        return Err(conflict(&current));
    }
    if current.first_submitted_at.is_some() {
        return Err(AppError::rule(
            None,
            UserErrorCode::AlreadySubmitted,
            "the report was already submitted in phancap; a paper copy changes nothing",
        ));
    }
    let reporter = existing_unit(&txn, current.reporter_unit_id).await?;
    let mut signature = checked_signature(&txn, &current, &reporter, input.signature, None).await?;
    if input.received_on < signature.signed_on || input.received_on > crate::calendar::today() {
        return Err(AppError::rule(
            Some("receivedOn"),
            UserErrorCode::InvalidDate,
            "a paper report is received on or after the day it was signed, and no later than today",
        ));
    }
    signature.paper = true;
    signature.received_on = Some(input.received_on);
    let values_before = values_of(&txn, id).await?;
    let drafted = apply_draft(&txn, &current, input.content).await?;
    check_complete(&txn, &drafted).await?;
    unsign(&txn, id).await?;
    report_signature::Entity::insert(signature.into_active_model())
        .exec_without_returning(&txn)
        .await?;
    spend_number(&txn, id).await?;
    let (mut next, deltas) = submission(&drafted, start_of_day(input.received_on));
    // Late or on time by the day it arrived; entered now.
    next.submitted_at = Some(Utc::now().trunc_subsecs(6));
    let next = write(&txn, &current, expected_version, next).await?;
    bump(&txn, &next, &deltas).await?;
    audit_report(
        &txn,
        &actor,
        "recordPaperReport",
        Some(&current),
        &next,
        &values_before,
    )
    .await?;
    txn.commit().await?;
    Ok(Transition {
        previous: current.status,
        report: next,
    })
}
