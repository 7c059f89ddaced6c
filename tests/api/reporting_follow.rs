//! Reports follow the mandates: issuing, revoking, amending, extending or
//! transferring a mandate updates the open periods it touches (who is
//! expected, on which mandates, the rollups) in its own transaction, and
//! leaves closed periods alone; concurrent openings, saves and mandate
//! changes lose nothing.

use entity::report::{self, ReportStatus};
use entity::{report_item, reporting_period};
use phancap::auth::Authority;
use phancap::error::{AppError, UserErrorCode};
use phancap::graphql::NodeKind;
use phancap::mandates::service::{self as mandates, Amendment, MandateInput, MandatePatch};
use phancap::reporting::regimes::{self, IndicatorInput, RegimeInput};
use phancap::reporting::reports::{self, DraftInput, ItemInput, Review};
use phancap::reporting::{periods::Period, progress};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, TestApp, accept_report, bundled_rows, document, document_of, fill_report, gid,
    instrument, make_mandate, mandate_input, pg_url, spawn_app, submit_report,
};

/// A province (Thái Nguyên, 2025 structure, 92 communes) with a
/// quarterly regime of its Sở Nội vụ in which every holder of a mandate
/// reports, the fixture commune holding one mandate from 2026.
struct World {
    app: TestApp,
    fixture: Fixture,
    regime: Uuid,
    /// A normative decision of UBND tỉnh: what the mandates rest on.
    basis: Uuid,
    /// A later one: what revokes them.
    ending: Uuid,
    /// Every commune of the province, the fixture's among them.
    communes: Vec<Uuid>,
    /// The fixture commune's mandate, issued before the periods open.
    prior: entity::mandate::Model,
}

async fn world() -> World {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    let ending = document(&app, "4/2025/QĐ-UBND", true).await;
    let communes: Vec<Uuid> = entity::unit::Entity::find()
        .filter(entity::unit::Column::ParentId.eq(fixture.inside.id))
        .filter(entity::unit::Column::Kind.eq(entity::unit::UnitKind::Commune))
        .order_by_asc(entity::unit::Column::Code)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(communes.len(), 92, "Thái Nguyên has 92 communes in 2025");
    let mut input = mandate_input(
        "PRIOR",
        "PRIOR",
        fixture.inside.id,
        vec![fixture.inside.commune],
        basis,
    );
    input.effective_from = "2026-01-01".parse().unwrap();
    let prior = make_mandate(&app, input, true).await;
    let regime = regime(&app, &fixture, "BC-PC").await;
    World {
        app,
        fixture,
        regime,
        basis,
        ending,
        communes,
        prior,
    }
}

/// A quarterly regime of the fixture's Sở Nội vụ with one indicator, in
/// which every unit holding a mandate reports.
async fn regime(app: &TestApp, fixture: &Fixture, code: &str) -> Uuid {
    regimes::create_regime(
        app.db(),
        Authority::Cli,
        RegimeInput {
            code: code.into(),
            name: "Báo cáo quý phân cấp".into(),
            content: "Tình hình thực hiện".into(),
            recipient: fixture.inside.department,
            frequency: entity::reporting_regime::Frequency::Quarter,
            cutoff_rule: entity::reporting_regime::CutoffRule::Decree09,
            deadline_days: 5,
            compiled_deadline_days: 10,
            reporter_kinds: None,
            reporter_units: None,
            indicators: vec![IndicatorInput {
                code: "HO_SO".into(),
                name: "Hồ sơ tiếp nhận".into(),
                measure: "hồ sơ".into(),
                aggregation: entity::regime_indicator::Aggregation::Sum,
                ..IndicatorInput::default()
            }],
            sign_off: false,
            ..RegimeInput::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn open(app: &TestApp, regime: Uuid, periods: &[&str]) -> Vec<reporting_period::Model> {
    let periods = periods
        .iter()
        .map(|p| p.parse::<Period>().unwrap())
        .collect();
    regimes::open_periods(app.db(), Authority::Cli, regime, None, periods)
        .await
        .unwrap()
}

const YEAR: [&str; 4] = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"];

impl World {
    /// A decentralization from UBND tỉnh to `delegatees` from 1/2/2027
    /// (in the first quarter's window).
    fn mandate(&self, code: &str, delegatees: Vec<Uuid>) -> MandateInput {
        let mut input = mandate_input(code, code, self.fixture.inside.id, delegatees, self.basis);
        input.effective_from = "2027-02-01".parse().unwrap();
        input
    }

    async fn issue(&self, input: MandateInput) -> entity::mandate::Model {
        make_mandate(&self.app, input, true).await
    }
}

/// Every unit report of `period` with its items, by reporter.
async fn reports_of(app: &TestApp, period: Uuid) -> Vec<(report::Model, Vec<report_item::Model>)> {
    let reports = report::Entity::find()
        .filter(report::Column::PeriodId.eq(period))
        .filter(report::Column::Compiled.eq(false))
        .order_by_asc(report::Column::ReporterPath)
        .all(app.db())
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in reports {
        let items = report_item::Entity::find()
            .filter(report_item::Column::ReportId.eq(r.id))
            .order_by_asc(report_item::Column::Id)
            .all(app.db())
            .await
            .unwrap();
        out.push((r, items));
    }
    out
}

async fn report_of(app: &TestApp, period: Uuid, unit: Uuid) -> Option<report::Model> {
    report::Entity::find()
        .filter(report::Column::PeriodId.eq(period))
        .filter(report::Column::ReporterUnitId.eq(unit))
        .filter(report::Column::Compiled.eq(false))
        .one(app.db())
        .await
        .unwrap()
}

async fn rollup_rows(app: &TestApp) -> String {
    let counters = entity::report_rollup::Entity::find()
        .order_by_asc(entity::report_rollup::Column::PeriodId)
        .order_by_asc(entity::report_rollup::Column::UnitId)
        .all(app.db())
        .await
        .unwrap();
    let totals = entity::indicator_rollup::Entity::find()
        .order_by_asc(entity::indicator_rollup::Column::PeriodId)
        .order_by_asc(entity::indicator_rollup::Column::UnitId)
        .order_by_asc(entity::indicator_rollup::Column::IndicatorCode)
        .all(app.db())
        .await
        .unwrap();
    format!("{counters:?}{totals:?}")
}

/// The maintained rollups equal a rebuild from the reports, and bringing
/// every open period in line again changes nothing.
async fn assert_in_line(app: &TestApp, step: &str) {
    let maintained = rollup_rows(app).await;
    progress::rebuild_all(app.db()).await.unwrap();
    assert_eq!(
        rollup_rows(app).await,
        maintained,
        "{step}: the maintained rollups differ from a rebuild"
    );
    let again = regimes::follow_again(app.db(), None).await.unwrap();
    assert!(
        again.is_empty(),
        "{step}: the maintenance left something out: {again:?}"
    );
}

#[tokio::test]
async fn a_mandate_issued_mid_period_makes_every_commune_expected_in_the_open_periods() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR).await;
    for p in &periods {
        assert_eq!(reports_of(&w.app, p.id).await.len(), 1, "{}", p.code);
    }
    assert_in_line(&w.app, "opened").await;
    // Set-based: the statements do not grow with the delegatees (here
    // 92 against 1, over the same four periods).
    let statements = |input: MandateInput| {
        let app = &w.app;
        async move {
            let draft = make_mandate(app, input, false).await;
            let before = app.statements.get();
            let m = mandates::issue_mandate(app.db(), Authority::Cli, draft.id)
                .await
                .unwrap();
            (m, app.statements.get() - before)
        }
    };
    let (_, to_one) = statements(w.mandate("PC-1", vec![w.communes[0]])).await;
    let (pc, to_all) = statements(w.mandate("PC-92", w.communes.clone())).await;
    assert!(
        to_all <= to_one + 16,
        "issuing to 92 communes took {to_all} statements, to one {to_one}"
    );
    for p in &periods {
        let reports = reports_of(&w.app, p.id).await;
        assert_eq!(reports.len(), 92, "{}: one report per commune", p.code);
        for (r, items) in &reports {
            assert_eq!(r.recipient_unit_id, w.fixture.inside.department);
            assert!(items.iter().any(|i| i.mandate_id == pc.id), "{}", p.code);
            if [w.fixture.inside.commune, w.communes[0]].contains(&r.reporter_unit_id) {
                assert_eq!(items.len(), 2);
                assert_eq!(r.version, 2, "a report whose items changed reloads");
            } else {
                assert_eq!(r.status, ReportStatus::NotStarted);
                assert_eq!((r.version, items.len()), (1, 1));
            }
        }
    }
    assert_in_line(&w.app, "issued to 92 communes").await;
    // `reports follow-mandates --mandate PC-92` repairs an item lost by
    // hand, and then finds nothing to do.
    let lost = report_of(&w.app, periods[1].id, w.communes[5])
        .await
        .unwrap();
    report_item::Entity::delete_many()
        .filter(report_item::Column::ReportId.eq(lost.id))
        .exec(w.app.db())
        .await
        .unwrap();
    let repaired = regimes::follow_again(w.app.db(), Some("PC-92"))
        .await
        .unwrap();
    assert_eq!(
        (repaired.items_added, repaired.reports_changed),
        (1, 1),
        "{repaired:?}"
    );
    let again = regimes::follow_again(w.app.db(), Some("PC-92"))
        .await
        .unwrap();
    assert!(again.is_empty() && again.periods == 4, "{again:?}");
    assert!(matches!(
        regimes::follow_again(w.app.db(), Some("NO-SUCH")).await,
        Err(AppError::NotFound("mandate"))
    ));
    // A new reporter saves and submits like any other.
    let report = report_of(&w.app, periods[0].id, w.communes[5])
        .await
        .unwrap();
    submit_report(&w.app, report.id, 3.0).await;
    let progress = progress::progress(
        w.app.db(),
        "2027Q1",
        None,
        Some(w.fixture.inside.id),
        |_| true,
    )
    .await
    .unwrap()
    .0;
    assert_eq!(
        (progress.counts.expected, progress.counts.submitted),
        (92, 1)
    );
    assert_in_line(&w.app, "one submitted").await;
}

#[tokio::test]
async fn revoking_from_the_start_removes_what_was_never_submitted_and_closes_the_rest() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR).await;
    let pc = w.issue(w.mandate("PC-92", w.communes.clone())).await;
    let (submitted_by, drafted_by) = (w.communes[10], w.communes[11]);
    let submitted = report_of(&w.app, periods[0].id, submitted_by)
        .await
        .unwrap();
    submit_report(&w.app, submitted.id, 4.0).await;
    let drafted = report_of(&w.app, periods[1].id, drafted_by).await.unwrap();
    fill_report(&w.app, drafted.id, 1.0).await;
    let prior_report = report_of(&w.app, periods[0].id, w.fixture.inside.commune)
        .await
        .unwrap();
    mandates::revoke_mandate(
        w.app.db(),
        Authority::Cli,
        pc.id,
        w.ending,
        "2027-01-31".parse().unwrap(),
    )
    .await
    .unwrap();
    for (n, p) in periods.iter().enumerate() {
        let reports = reports_of(&w.app, p.id).await;
        let reporters: Vec<Uuid> = reports.iter().map(|(r, _)| r.reporter_unit_id).collect();
        let mut expected = vec![w.fixture.inside.commune];
        if n == 0 {
            expected.push(submitted_by);
        }
        expected.sort();
        let mut reporters = reporters.clone();
        reporters.sort();
        assert_eq!(reporters, expected, "{}", p.code);
        for (r, items) in &reports {
            if [w.fixture.inside.commune, w.communes[0]].contains(&r.reporter_unit_id) {
                // Its blank item of the revoked mandate is gone.
                assert_eq!(items.len(), 1);
                assert_eq!(items[0].mandate_id, w.prior.id);
            } else {
                // What was submitted stays, closed.
                assert_eq!(r.status, ReportStatus::Submitted);
                assert_eq!(items.len(), 1);
                assert!(items[0].closed_at.is_some());
                assert!(items[0].implementation_status.is_some());
            }
        }
    }
    let version = report_of(&w.app, periods[0].id, w.fixture.inside.commune)
        .await
        .unwrap()
        .version;
    assert_eq!(version, prior_report.version + 1);
    assert!(
        reports::existing(w.app.db(), drafted.id).await.is_err(),
        "a draft never submitted goes with its reporter's expectation"
    );
    let root = w.app.token("root").await;
    let body = w
        .app
        .graphql_as(
            &root,
            "query($id: ID!) { report(id: $id) { status items { mandate { code } closed closedOn addedAfterSubmission } } }",
            json!({ "id": gid(NodeKind::Report, submitted.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["report"],
        json!({ "status": "SUBMITTED", "items": [{ "mandate": { "code": "PC-92" }, "closed": true,
            "closedOn": phancap::calendar::today().to_string(), "addedAfterSubmission": false }] }),
        "{body}"
    );
    assert_in_line(&w.app, "revoked from the start").await;
}

/// The `report(id)` fields that show the rule for late items.
async fn items_json(app: &TestApp, report: Uuid) -> Value {
    let root = app.token("root").await;
    let body = app
        .graphql_as(
            &root,
            "query($id: ID!) { report(id: $id) { status late items { mandate { code } closed addedAfterSubmission implementationStatus } } }",
            json!({ "id": gid(NodeKind::Report, report) }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["report"].clone()
}

#[tokio::test]
async fn a_report_submitted_or_accepted_gets_the_new_item_flagged_and_keeps_its_status() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR).await;
    let commune = w.fixture.inside.commune;
    let q1 = report_of(&w.app, periods[0].id, commune).await.unwrap();
    submit_report(&w.app, q1.id, 2.0).await;
    let q2 = report_of(&w.app, periods[1].id, commune).await.unwrap();
    accept_report(&w.app, q2.id, 5.0).await;
    let q3 = report_of(&w.app, periods[2].id, commune).await.unwrap();
    fill_report(&w.app, q3.id, 1.0).await;
    let mut before = Vec::new();
    for id in [q1.id, q2.id, q3.id] {
        before.push(reports::existing(w.app.db(), id).await.unwrap());
    }
    w.issue(w.mandate("PC-1", vec![commune])).await;
    for (old, status) in before.iter().zip(["SUBMITTED", "ACCEPTED", "DRAFT"]) {
        let now = reports::existing(w.app.db(), old.id).await.unwrap();
        assert_eq!(now.status, old.status);
        assert_eq!(now.first_submitted_at, old.first_submitted_at);
        assert_eq!(now.submitted_at, old.submitted_at);
        assert_eq!(now.version, old.version + 1);
        let late_item = old.submitted_at.is_some();
        assert_eq!(
            items_json(&w.app, old.id).await,
            json!({ "status": status, "late": false, "items": [
                { "mandate": { "code": "PRIOR" }, "closed": false, "addedAfterSubmission": false, "implementationStatus": "DONE" },
                { "mandate": { "code": "PC-1" }, "closed": false, "addedAfterSubmission": late_item, "implementationStatus": null },
            ] })
        );
    }
    assert_in_line(&w.app, "an item added to submitted and accepted reports").await;
    // Like every item, the new one is answered before a submission.
    let refused = reports::submit(
        w.app.db(),
        Authority::Cli,
        q3.id,
        before[2].version + 1,
        Review::Unit,
    )
    .await;
    assert!(
        matches!(&refused, Err(AppError::Rule { code, .. }) if *code == UserErrorCode::IncompleteItems),
        "{refused:?}"
    );
    // The recipient returns the submitted one to have it answered.
    let returned = reports::return_report(
        w.app.db(),
        Authority::Cli,
        q1.id,
        before[0].version + 1,
        "bổ sung nhiệm vụ PC-1",
        Review::Unit,
    )
    .await
    .unwrap();
    let refused = reports::submit(
        w.app.db(),
        Authority::Cli,
        q1.id,
        returned.report.version,
        Review::Unit,
    )
    .await;
    assert!(
        matches!(&refused, Err(AppError::Rule { code, .. }) if *code == UserErrorCode::IncompleteItems),
        "{refused:?}"
    );
    submit_report(&w.app, q1.id, 2.0).await;
    let answered = items_json(&w.app, q1.id).await;
    assert_eq!(answered["status"], "SUBMITTED");
    assert_eq!(
        answered["items"][1]["addedAfterSubmission"], false,
        "{answered}"
    );
    assert_in_line(&w.app, "returned and answered").await;
}

#[tokio::test]
async fn a_closed_period_is_never_changed() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR[..2]).await;
    let q1 = report_of(&w.app, periods[0].id, w.fixture.inside.commune)
        .await
        .unwrap();
    accept_report(&w.app, q1.id, 6.0).await;
    reports::compile(w.app.db(), Authority::Cli, periods[0].id)
        .await
        .unwrap();
    // While the compiled report is not accepted, the period is open.
    let first = w.issue(w.mandate("PC-A", vec![w.communes[20]])).await;
    assert!(
        report_of(&w.app, periods[0].id, w.communes[20])
            .await
            .is_some()
    );
    assert_in_line(&w.app, "compiled, not accepted").await;
    // Every expected report in, compiled again, written, sent, accepted:
    // the period is closed.
    for (r, _) in reports_of(&w.app, periods[0].id).await {
        if !r.compiled && r.status != entity::report::ReportStatus::Accepted {
            accept_report(&w.app, r.id, 1.0).await;
        }
    }
    let compiled = reports::compile(w.app.db(), Authority::Cli, periods[0].id)
        .await
        .unwrap()
        .report;
    let text = reports::CompiledText {
        assessment: Some("Đạt yêu cầu".into()),
        ..Default::default()
    };
    let compiled = reports::save_compiled(
        w.app.db(),
        Authority::Cli,
        compiled.id,
        compiled.version,
        text,
    )
    .await
    .unwrap()
    .report;
    let compiled = reports::submit(
        w.app.db(),
        Authority::Cli,
        compiled.id,
        compiled.version,
        Review::Compiled,
    )
    .await
    .unwrap()
    .report;
    let accepted = reports::accept(
        w.app.db(),
        Authority::Cli,
        compiled.id,
        compiled.version,
        Review::Compiled,
        None,
    )
    .await
    .unwrap()
    .report;
    let closed_reports = reports_of(&w.app, periods[0].id).await;
    let closed = format!("{closed_reports:?}");
    w.issue(w.mandate("PC-B", w.communes[30..40].to_vec()))
        .await;
    mandates::revoke_mandate(
        w.app.db(),
        Authority::Cli,
        first.id,
        w.ending,
        "2027-01-31".parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        format!("{:?}", reports_of(&w.app, periods[0].id).await),
        closed,
        "an accepted compilation closes its period"
    );
    let open_one = reports_of(&w.app, periods[1].id).await;
    assert_eq!(open_one.len(), 11, "the next period follows: {open_one:?}");
    let maintained = rollup_rows(&w.app).await;
    progress::rebuild_all(w.app.db()).await.unwrap();
    assert_eq!(rollup_rows(&w.app).await, maintained);
    // UBND tỉnh reopens the province report: the period is open again and
    // takes in what changed while it was closed.
    reports::reopen(
        w.app.db(),
        Authority::Cli,
        accepted.id,
        accepted.version,
        "Bổ sung các xã được phân cấp sau",
        Review::Compiled,
    )
    .await
    .unwrap();
    let reopened = reports_of(&w.app, periods[0].id).await;
    assert_eq!(
        reopened.len(),
        closed_reports.len() + 10,
        "the ten communes of PC-B are expected now"
    );
    for commune in &w.communes[30..40] {
        assert!(report_of(&w.app, periods[0].id, *commune).await.is_some());
    }
    assert_in_line(&w.app, "reopened").await;
}

#[tokio::test]
async fn amending_or_extending_a_mandate_moves_its_windows() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR).await;
    let three = w.communes[60..63].to_vec();
    let pc = w.issue(w.mandate("PC-3", three.clone())).await;
    crate::helpers::appraise_amendment(&w.app, &pc).await;
    // Amended from 1/7/2027, inside the third quarter's window
    // (15/6–14/9): the old version there and before, the new one there
    // and after.
    let amended = mandates::amend_mandate(
        w.app.db(),
        Authority::Cli,
        pc.id,
        Amendment {
            code: "PC-3B".into(),
            legal_basis: w.basis,
            effective_from: "2027-07-01".parse().unwrap(),
            patch: MandatePatch::default(),
        },
    )
    .await
    .unwrap();
    for (p, wanted) in periods.iter().zip([
        vec![pc.id],
        vec![pc.id],
        vec![pc.id, amended.id],
        vec![amended.id],
    ]) {
        for unit in &three {
            let r = report_of(&w.app, p.id, *unit).await.unwrap();
            let mut held: Vec<Uuid> = reports_of(&w.app, p.id)
                .await
                .into_iter()
                .find(|(x, _)| x.id == r.id)
                .unwrap()
                .1
                .iter()
                .map(|i| i.mandate_id)
                .collect();
            held.sort();
            let mut wanted = wanted.clone();
            wanted.sort();
            assert_eq!(held, wanted, "{}", p.code);
        }
    }
    assert_in_line(&w.app, "amended").await;

    // An authorization to the end of April 2027 is held in the first two
    // quarters; extended to October, in all four.
    let letter = instrument(
        &w.app,
        "2/QĐ-UBND",
        entity::document::DocumentType::QdUbnd,
        w.fixture.inside.id,
        "2025-01-01",
    )
    .await;
    let later = instrument(
        &w.app,
        "5/QĐ-UBND",
        entity::document::DocumentType::QdUbnd,
        w.fixture.inside.id,
        "2025-01-01",
    )
    .await;
    let unit = w.communes[50];
    let mut input = w.mandate("AU-1", vec![unit]);
    input.kind = entity::mandate::MandateKind::Authorization;
    input.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    input.conditions = Some("Báo cáo kết quả hằng quý".into());
    input.legal_basis = Some(letter);
    input.effective_to = Some("2027-04-30".parse().unwrap());
    let au = w.issue(input).await;
    let held = |n: usize| {
        let app = &w.app;
        let period = periods[n].id;
        async move { report_of(app, period, unit).await.is_some() }
    };
    assert_eq!(
        [held(0).await, held(1).await, held(2).await, held(3).await],
        [true, true, false, false]
    );
    mandates::extend_authorization(
        w.app.db(),
        Authority::Cli,
        au.id,
        "2027-10-31".parse().unwrap(),
        later,
    )
    .await
    .unwrap();
    assert_eq!(
        [held(0).await, held(1).await, held(2).await, held(3).await],
        [true, true, true, true]
    );
    assert_in_line(&w.app, "extended").await;
}

#[tokio::test]
async fn a_transfer_to_successors_moves_the_expectation() {
    let w = world().await;
    w.app
        .import_csv(
            phancap::units::import::Structure::Legacy,
            &bundled_rows("units-legacy.csv", &["19"]),
        )
        .await
        .unwrap();
    let on = "2025-01-01".parse().unwrap();
    let app = &w.app;
    let find = |code: &'static str| async move {
        phancap::units::service::find_by_code(app.db(), code, None, on)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (old_province, district) = (find("19").await, find("164").await);
    let mut input = mandate_input("L-A", "L", old_province, vec![district], w.basis);
    input.effective_from = "2024-01-01".parse().unwrap();
    input.legal_basis =
        Some(document_of(&w.app, "5/2023/QĐ-UBND", true, old_province, "2023-12-01").await);
    let m = make_mandate(&w.app, input, true).await;
    let periods = open(&w.app, w.regime, &["2025Q4", "2026Q1"]).await;
    let before: Vec<usize> = [
        reports_of(&w.app, periods[0].id).await.len(),
        reports_of(&w.app, periods[1].id).await.len(),
    ]
    .into();
    // The district ended with the reorganisation: not expected.
    assert_eq!(before, vec![0, 1]);
    let assignment = mandates::assignments_of(w.app.db(), &[m.id]).await.unwrap()[0].id;
    mandates::transfer_assignments(
        w.app.db(),
        Authority::Cli,
        assignment,
        None,
        w.basis,
        "2025-07-01".parse().unwrap(),
    )
    .await
    .unwrap();
    let successors: Vec<Uuid> = mandates::assignments_of(w.app.db(), &[m.id])
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.successor_of.is_some())
        .map(|a| a.delegatee_unit_id)
        .collect();
    assert!(successors.contains(&w.fixture.inside.commune));
    for p in &periods {
        for unit in &successors {
            let r = report_of(&w.app, p.id, *unit)
                .await
                .unwrap_or_else(|| panic!("{}: no report for a successor", p.code));
            let items = reports_of(&w.app, p.id)
                .await
                .into_iter()
                .find(|(x, _)| x.id == r.id)
                .unwrap()
                .1;
            assert!(items.iter().any(|i| i.mandate_id == m.id), "{}", p.code);
        }
    }
    assert_in_line(&w.app, "transferred").await;
}

/// Rounds of each race: enough on PostgreSQL to meet both orders; SQLite
/// has one writer, so its rounds only run one after the other.
fn rounds() -> usize {
    if pg_url().is_some() { 16 } else { 3 }
}

/// How long a racer waits before it starts: from nothing to longer than
/// a mandate change takes, so that it meets the other at every step.
fn stagger(round: usize) -> std::time::Duration {
    std::time::Duration::from_millis((round as u64 * 7) % 40)
}

#[tokio::test]
async fn opening_and_issuing_at_once_leave_every_expected_unit_with_its_report() {
    let w = world().await;
    for round in 0..rounds() {
        let regime = regime(&w.app, &w.fixture, &format!("BC-R{round}")).await;
        let units = w.communes[round * 5..round * 5 + 5].to_vec();
        let draft = make_mandate(
            &w.app,
            w.mandate(&format!("RACE-{round}"), units.clone()),
            false,
        )
        .await;
        let periods = ["2027Q1", "2027Q2"]
            .iter()
            .map(|p| p.parse::<Period>().unwrap())
            .collect();
        let (issued, opened) = tokio::join!(
            async {
                tokio::time::sleep(stagger(round)).await;
                mandates::issue_mandate(w.app.db(), Authority::Cli, draft.id).await
            },
            regimes::open_periods(w.app.db(), Authority::Cli, regime, None, periods),
        );
        issued.unwrap();
        for p in opened.unwrap() {
            for unit in &units {
                let r = report_of(&w.app, p.id, *unit).await.unwrap_or_else(|| {
                    panic!("round {round}, {}: a delegatee has no report", p.code)
                });
                let items = report_item::Entity::find()
                    .filter(report_item::Column::ReportId.eq(r.id))
                    .filter(report_item::Column::MandateId.eq(draft.id))
                    .all(w.app.db())
                    .await
                    .unwrap();
                assert_eq!(items.len(), 1, "round {round}, {}", p.code);
            }
        }
    }
    assert_in_line(&w.app, "after the races").await;
}

#[tokio::test]
async fn a_draft_saved_while_a_mandate_changes_loses_neither() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR[..1]).await;
    let commune = w.fixture.inside.commune;
    let id = report_of(&w.app, periods[0].id, commune).await.unwrap().id;
    let (mut saved, mut conflicts) = (0, 0);
    for round in 0..rounds() {
        let current = reports::existing(w.app.db(), id).await.unwrap();
        let draft = make_mandate(
            &w.app,
            w.mandate(&format!("SAVE-{round}"), vec![commune]),
            false,
        )
        .await;
        let text = format!("vòng {round}");
        let input = DraftInput {
            results: Some(text.clone()),
            items: vec![ItemInput {
                mandate: w.prior.id,
                proposal_note: Some(format!("vòng {round}")),
                ..ItemInput::default()
            }],
            ..DraftInput::default()
        };
        let (save, issue) = tokio::join!(
            async {
                tokio::time::sleep(stagger(round)).await;
                reports::save_draft(w.app.db(), Authority::Cli, id, current.version, input).await
            },
            mandates::issue_mandate(w.app.db(), Authority::Cli, draft.id),
        );
        issue.unwrap();
        let now = reports::existing(w.app.db(), id).await.unwrap();
        match save {
            Ok(_) => {
                saved += 1;
                assert_eq!(now.results.as_deref(), Some(text.as_str()));
                assert_eq!(now.version, current.version + 2);
            }
            Err(AppError::Conflict(_)) => {
                conflicts += 1;
                assert_eq!(now.results, current.results, "a refused save wrote nothing");
                assert_eq!(now.version, current.version + 1);
            }
            Err(other) => panic!("round {round}: the save failed with {other:?}"),
        }
        let items = report_item::Entity::find()
            .filter(report_item::Column::ReportId.eq(id))
            .all(w.app.db())
            .await
            .unwrap();
        assert!(
            items.iter().any(|i| i.mandate_id == draft.id),
            "round {round}: the mandate's item is there"
        );
        assert_eq!(items.len(), round + 2);
    }
    assert_eq!(saved + conflicts, rounds());
    assert_in_line(&w.app, "after the saves").await;
}

#[tokio::test]
async fn a_draft_saved_while_its_mandate_is_revoked_is_kept_or_refused_whole() {
    let w = world().await;
    let periods = open(&w.app, w.regime, &YEAR[..1]).await;
    let commune = w.fixture.inside.commune;
    let id = report_of(&w.app, periods[0].id, commune).await.unwrap().id;
    for round in 0..rounds() {
        let m = w
            .issue(w.mandate(&format!("REV-{round}"), vec![commune]))
            .await;
        let current = reports::existing(w.app.db(), id).await.unwrap();
        // The save writes in the very item the revocation takes away.
        let input = DraftInput {
            items: vec![ItemInput {
                mandate: m.id,
                proposal_note: Some("bảy".into()),
                ..ItemInput::default()
            }],
            ..DraftInput::default()
        };
        let (save, revoke) = tokio::join!(
            async {
                tokio::time::sleep(stagger(round)).await;
                reports::save_draft(w.app.db(), Authority::Cli, id, current.version, input).await
            },
            mandates::revoke_mandate(
                w.app.db(),
                Authority::Cli,
                m.id,
                w.ending,
                "2027-01-31".parse().unwrap(),
            ),
        );
        revoke.unwrap();
        let item = report_item::Entity::find()
            .filter(report_item::Column::ReportId.eq(id))
            .filter(report_item::Column::MandateId.eq(m.id))
            .one(w.app.db())
            .await
            .unwrap();
        match save {
            // Saved first: what was written stays, closed.
            Ok(_) => {
                let item = item.expect("a written item is kept");
                assert_eq!(item.proposal_note.as_deref(), Some("bảy"));
                assert!(item.closed_at.is_some());
            }
            // Revoked first: the blank item went, the stale save wrote
            // nothing.
            Err(AppError::Conflict(_)) => assert!(item.is_none(), "{item:?}"),
            Err(other) => panic!("round {round}: the save failed with {other:?}"),
        }
    }
    assert_in_line(&w.app, "after the revocations").await;
}
