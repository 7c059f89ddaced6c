//! Plans and tasks: a plan registered on its KH document, its contents
//! given to one unit or expanded to every unit of a kind, times in working
//! days, the lead's progress and completion, coordinators' contributions,
//! the monitoring body's acceptance or return, overdue tasks explained,
//! reads, rollups and the dashboard, and who may do what.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use entity::role_grant::Role;
use entity::unit::{AdminType, UnitKind};
use phancap::auth::Authority;
use phancap::error::AppError;
use phancap::graphql::NodeKind;
use phancap::plans::{progress, service, time::TaskTime};
use phancap::units::admin;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Fixture, Province, TestApp, document_of, error_code, gid, instrument, role_user, spawn_app,
    today,
};

const CREATE_PLAN: &str = "mutation($input: CreatePlanInput!) { createPlan(input: $input) {
    plan { id code title issuedOn monitor { code } province { code } } userErrors { field code message } } }";
const ADD: &str = "mutation($input: AddPlanTaskInput!) { addPlanTask(input: $input) {
    task { id code isGroup position title assignees dueOn status lead { code } coordinators { code }
      parts { id code lead { code } dueOn status } time { kind from to workingDays note } }
    userErrors { field code message } } }";
const PROGRESS: &str = "mutation($input: TaskProgressInput!) { reportTaskProgress(input: $input) {
    task { id status percent version note cause responsiblePerson overdue overdueDays } userErrors { field code message } } }";
const COMPLETE: &str = "mutation($input: TaskProgressInput!) { completeTask(input: $input) {
    task { id status percent version } userErrors { field code message } } }";
const ACCEPT: &str = "mutation($input: AcceptTaskInput!) { acceptTask(input: $input) {
    task { id status version dueOn acceptedAt } userErrors { field code message } } }";
const RETURN: &str = "mutation($input: ReturnTaskInput!) { returnTask(input: $input) {
    task { id status version returnReason } userErrors { field code message } } }";
const CONTRIBUTE: &str = "mutation($input: ContributeToTaskInput!) { contributeToTask(input: $input) {
    contribution { kind note unit { code } evidence { number } } userErrors { field code message } } }";
const TRIGGER: &str = "mutation($input: RecordTriggerDocumentInput!) { recordTriggerDocument(input: $input) {
    task { id dueOn time { triggeredOn triggerDocument { number } } parts { dueOn } } userErrors { field code message } } }";

fn unit(id: Uuid) -> String {
    gid(NodeKind::Unit, id)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A weekday `n` calendar days from today, moved forward off a weekend.
fn ahead(n: u64) -> NaiveDate {
    let mut d = today() + Days::new(n);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d + Days::new(1);
    }
    d
}

/// A fixture with a plan of the inside province (n/KH-UBND): the app,
/// the fixture, the plan's id and the root user's token.
struct Setup {
    app: TestApp,
    fixture: Fixture,
    plan: Uuid,
    root: String,
}

async fn kh(app: &TestApp, province: &Province, number: &str, issued: &str) -> Uuid {
    instrument(
        app,
        number,
        entity::document::DocumentType::Kh,
        province.id,
        issued,
    )
    .await
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let doc = kh(&app, &fixture.inside, "89/KH-UBND", "2025-08-01").await;
    let plan = service::create_plan(
        app.db(),
        Authority::Cli,
        service::NewPlan {
            document: doc,
            monitor: None,
        },
    )
    .await
    .unwrap()
    .id;
    let root = app.token("root").await;
    Setup {
        app,
        fixture,
        plan,
        root,
    }
}

impl Setup {
    fn inside(&self) -> &Province {
        &self.fixture.inside
    }

    async fn add(&self, input: Value) -> Value {
        let mut input = input;
        input["plan"] = json!(gid(NodeKind::Plan, self.plan));
        self.app
            .graphql_as(&self.root, ADD, json!({ "input": input }))
            .await
    }

    /// A task led by the department, due on `due`, from the command line.
    async fn task_due(&self, due: NaiveDate) -> entity::task::Model {
        self.task_with(TaskTime::Date { due }).await
    }

    async fn task_with(&self, time: TaskTime) -> entity::task::Model {
        let new = service::NewPlanTask {
            plan: self.plan,
            title: "Tổ chức quán triệt, phổ biến Luật".into(),
            content: None,
            output: Some("Báo cáo kết quả".into()),
            leads: vec![self.inside().department],
            lead_groups: Vec::new(),
            coordinators: vec![self.inside().commune],
            coordinator_groups: Vec::new(),
            coordinators_note: None,
            time,
        };
        service::add_plan_task(self.app.db(), Authority::Cli, new)
            .await
            .unwrap()
            .task
    }

    async fn run(&self, token: &str, query: &str, input: Value) -> Value {
        self.app
            .graphql_as(token, query, json!({ "input": input }))
            .await
    }
}

fn user_error(body: &Value, field: &str) -> String {
    body["data"][field]["userErrors"][0]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no user error in {body}"))
        .to_owned()
}

fn task_of(body: &Value, field: &str) -> Value {
    assert_eq!(body["data"][field]["userErrors"], json!([]), "{body}");
    body["data"][field]["task"].clone()
}

/// A department of the inside province valid from `from` to `to`.
async fn department(
    app: &TestApp,
    province: &Province,
    code: &str,
    from: &str,
    to: Option<&str>,
) -> Uuid {
    let created = admin::create_unit(
        app.db(),
        Authority::Cli,
        admin::CreateUnit {
            parent: province.id,
            code: code.into(),
            name: format!("Sở thử {code}"),
            admin_type: AdminType::So,
            valid_from: day(from),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    if let Some(to) = to {
        let mut row = created.clone().into_active_model();
        row.valid_to = sea_orm::Set(Some(day(to)));
        sea_orm::ActiveModelTrait::update(row, app.db())
            .await
            .unwrap();
    }
    created.id
}

#[tokio::test]
async fn a_plan_is_registered_on_its_kh_document_and_followed_by_sở_nội_vụ() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let coordinator = app.token(&role_user(Role::Coordinator)).await;
    let doc = kh(&app, &fixture.inside, "89/KH-UBND", "2025-08-01").await;
    let body = app
        .graphql_as(
            &coordinator,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, doc) } }),
        )
        .await;
    let plan = &body["data"]["createPlan"]["plan"];
    assert_eq!(plan["code"], "89/KH-UBND", "{body}");
    assert_eq!(plan["issuedOn"], "2025-08-01");
    assert_eq!(plan["monitor"]["code"], "19-SNV", "Sở Nội vụ by default");
    assert_eq!(plan["province"]["code"], "19");

    // Once per document, and only a KH.
    let before = app.snapshot().await;
    let again = app
        .graphql_as(
            &coordinator,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, doc) } }),
        )
        .await;
    assert_eq!(user_error(&again, "createPlan"), "PLAN_EXISTS", "{again}");
    let letter = document_of(&app, "5/UBND-NC", false, fixture.inside.id, "2025-08-01").await;
    let before_letter = app.snapshot().await;
    assert_ne!(before, before_letter);
    let body = app
        .graphql_as(
            &coordinator,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, letter) } }),
        )
        .await;
    assert_eq!(user_error(&body, "createPlan"), "NOT_A_PLAN_DOCUMENT");
    // A monitoring body of another province is refused.
    let other = kh(&app, &fixture.inside, "90/KH-UBND", "2025-08-01").await;
    let before = app.snapshot().await;
    let body = app
        .graphql_as(
            &app.token("root").await,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, other), "monitor": unit(fixture.outside.department) } }),
        )
        .await;
    assert_eq!(user_error(&body, "createPlan"), "INVALID_ASSIGNEE");
    assert_eq!(app.snapshot().await, before, "refusals change nothing");

    // A sở's APPROVER does not claim the province's plan by naming itself
    // the monitoring body.
    let stp = crate::helpers::department(
        &app,
        &province_row(&app, fixture.inside.id).await,
        "STP",
        "Sở Tư pháp",
    )
    .await;
    let user = app
        .create_user("approver.stp.plan", stp, Some("approver-password-1"))
        .await;
    phancap::users::service::grant_role(app.db(), Authority::Cli, user, Role::Approver, stp)
        .await
        .unwrap();
    let own = app.token("approver.stp.plan").await;
    let before = app.snapshot().await;
    let body = app
        .graphql_as(
            &own,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, other), "monitor": unit(stp) } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.snapshot().await, before, "refusals change nothing");
}

async fn province_row(app: &TestApp, id: Uuid) -> entity::unit::Model {
    entity::unit::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_content_given_to_every_sở_becomes_one_task_per_department_in_force() {
    let s = setup().await;
    let p = s.inside();
    let extra = department(&s.app, p, "19-STP", "2025-07-01", None).await;
    let yesterday = (today() - Days::new(1)).to_string();
    let _ended = department(&s.app, p, "19-SOLD", "2025-07-01", Some(&yesterday)).await;
    let body = s
        .add(json!({
            "title": "Tổ chức quán triệt, phổ biến, truyền thông về Luật Tổ chức chính quyền địa phương",
            "leadGroups": ["DEPARTMENTS"],
            "coordinatorsNote": "các cơ quan báo chí và các cơ quan, tổ chức liên quan",
            "time": { "kind": "DATE", "dueOn": ahead(40).to_string() },
        }))
        .await;
    let group = task_of(&body, "addPlanTask");
    assert_eq!(group["isGroup"], true, "{body}");
    assert_eq!(group["assignees"], json!(["DEPARTMENTS"]));
    assert_eq!(group["lead"], Value::Null);
    assert_eq!(group["position"], 1);
    let leads: Vec<&str> = group["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["lead"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        leads,
        ["19-SNV", "19-STP"],
        "the ended sở gets none: {body}"
    );
    assert!(
        group["parts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["dueOn"] == json!(ahead(40).to_string()) && t["status"] == "NOT_STARTED")
    );
    let _ = extra;

    // Every commune: one task each, as many as communes in force.
    let communes = entity::unit::Entity::find()
        .filter(entity::unit::Column::Kind.eq(UnitKind::Commune))
        .filter(
            entity::unit::Column::Path.starts_with(
                entity::unit::Entity::find_by_id(p.id)
                    .one(s.app.db())
                    .await
                    .unwrap()
                    .unwrap()
                    .path,
            ),
        )
        .count(s.app.db())
        .await
        .unwrap();
    assert!(communes > 10);
    let body = s
        .add(json!({
            "title": "Xây dựng kế hoạch của đơn vị",
            "leadGroups": ["COMMUNES"],
            "time": { "kind": "AFTER_ISSUE", "workingDays": 20 },
        }))
        .await;
    let group = task_of(&body, "addPlanTask");
    assert_eq!(group["parts"].as_array().unwrap().len() as u64, communes);
    assert_eq!(group["position"], 2);

    // Districts ended on 30 June 2025: none is in force to give it to.
    let before = s.app.snapshot().await;
    let body = s
        .add(json!({
            "title": "Rà soát",
            "leadGroups": ["DEPARTMENTS", "DISTRICTS"],
            "time": { "kind": "DATE", "dueOn": ahead(40).to_string() },
        }))
        .await;
    assert_eq!(user_error(&body, "addPlanTask"), "NO_ASSIGNEES", "{body}");
    let body = s
        .add(json!({ "title": "Không ai chủ trì", "time": { "kind": "DATE", "dueOn": ahead(40).to_string() } }))
        .await;
    assert_eq!(user_error(&body, "addPlanTask"), "NO_ASSIGNEES");
    let body = s
        .add(json!({
            "title": "Chủ trì ngoài tỉnh",
            "leads": [unit(s.fixture.outside.department)],
            "time": { "kind": "DATE", "dueOn": ahead(40).to_string() },
        }))
        .await;
    assert_eq!(user_error(&body, "addPlanTask"), "INVALID_ASSIGNEE");
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");
}

#[tokio::test]
async fn a_task_time_is_counted_in_working_days_and_checked() {
    let s = setup().await;
    let p = s.inside();
    // The plan is dated Friday 1 August 2025: 5 working days later is
    // Friday 8 August; 2 September (Quốc khánh) is off in the calendar.
    let body = s
        .add(json!({
            "title": "Xây dựng kế hoạch", "leads": [unit(p.department)],
            "time": { "kind": "AFTER_ISSUE", "workingDays": 5 },
        }))
        .await;
    assert_eq!(
        task_of(&body, "addPlanTask")["dueOn"],
        "2025-08-08",
        "{body}"
    );
    let body = s
        .add(json!({
            "title": "Theo dõi, đôn đốc", "leads": [unit(p.department)],
            "time": { "kind": "WINDOW", "from": "2025-04-01", "to": "2026-12-31" },
        }))
        .await;
    let t = task_of(&body, "addPlanTask");
    assert_eq!(t["dueOn"], "2026-12-31");
    assert_eq!(t["time"]["from"], "2025-04-01");
    let body = s
        .add(json!({
            "title": "Báo cáo định kỳ", "leads": [unit(p.department)],
            "time": { "kind": "RECURRING", "recurrence": "QUARTERLY", "from": "2026-01-01", "to": "2027-12-31" },
        }))
        .await;
    assert_eq!(task_of(&body, "addPlanTask")["dueOn"], "2026-03-31");

    let before = s.app.snapshot().await;
    for (time, why) in [
        (
            json!({ "kind": "WINDOW", "from": "2026-12-31", "to": "2026-01-01" }),
            "reversed",
        ),
        (json!({ "kind": "WINDOW", "from": "2026-01-01" }), "no end"),
        (
            json!({ "kind": "DATE", "dueOn": "2026-12-31", "recurrence": "YEARLY" }),
            "a field of another kind",
        ),
        (
            json!({ "kind": "AFTER_ISSUE", "workingDays": 0 }),
            "no days",
        ),
        (
            json!({ "kind": "AFTER_DOCUMENT", "workingDays": 251 }),
            "too many days",
        ),
        (
            json!({ "kind": "DATE", "dueOn": "1999-12-31" }),
            "out of range",
        ),
        (
            json!({ "kind": "RECURRING", "from": "2026-01-01", "to": "2026-12-31" }),
            "no recurrence",
        ),
    ] {
        let body = s
            .add(json!({ "title": "Sai thời gian", "leads": [unit(p.department)], "time": time }))
            .await;
        assert_eq!(
            user_error(&body, "addPlanTask"),
            "INVALID_TASK_TIME",
            "{why}: {body}"
        );
    }
    let body = s
        .add(json!({ "title": "\u{202e}", "leads": [unit(p.department)], "time": { "kind": "DATE", "dueOn": "2026-01-01" } }))
        .await;
    assert_eq!(user_error(&body, "addPlanTask"), "INVALID_TEXT");
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");
}

#[test]
fn the_first_working_day_after_a_holiday_weekend_is_counted() {
    use phancap::plans::time;
    let calendar = phancap::reporting::periods::WorkCalendar::new([(
        day("2025-09-02"),
        entity::holiday::DayKind::Holiday,
    )]);
    assert_eq!(
        time::working_days_late(day("2025-08-29"), day("2025-09-02"), &calendar),
        1,
        "Monday 1 September counts, the holiday does not"
    );
}

#[tokio::test]
async fn an_overdue_task_is_found_by_working_days_and_its_lead_explains_it() {
    let s = setup().await;
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    // Due a month ago on a weekday: late by working days, not calendar days.
    let due = today() - Days::new(30);
    let late = s.task_due(due).await;
    let on_time = s.task_due(ahead(20)).await;
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($p: ID!) { overdue: tasks(filter: { plan: $p, overdue: true }) { totalCount nodes { id overdue overdueDays } }
              soon: tasks(filter: { plan: $p, dueWithinDays: 30 }) { nodes { id } }
              notLate: tasks(filter: { plan: $p, overdue: false }) { nodes { id } } }",
            json!({ "p": gid(NodeKind::Plan, s.plan) }),
        )
        .await;
    let overdue = &body["data"]["overdue"];
    assert_eq!(overdue["totalCount"], 1, "{body}");
    assert_eq!(overdue["nodes"][0]["id"], gid(NodeKind::Task, late.id));
    let days = overdue["nodes"][0]["overdueDays"].as_i64().unwrap();
    assert!(
        (18..=22).contains(&days),
        "about 21 working days in 30: {days}"
    );
    assert_eq!(
        body["data"]["soon"]["nodes"],
        json!([{ "id": gid(NodeKind::Task, on_time.id) }])
    );
    assert_eq!(
        body["data"]["notLate"]["nodes"],
        json!([{ "id": gid(NodeKind::Task, on_time.id) }])
    );

    // Its next report says why and who answers for it (CV 6085 §1).
    let before = s.app.snapshot().await;
    let input = json!({ "task": gid(NodeKind::Task, late.id), "expectedVersion": late.version, "percent": 40, "note": "Đang triển khai" });
    let body = s.run(&reporter, PROGRESS, input.clone()).await;
    assert_eq!(
        user_error(&body, "reportTaskProgress"),
        "OVERDUE_EXPLANATION_REQUIRED",
        "{body}"
    );
    // Invisible characters say nothing either.
    let mut invisible = input.clone();
    invisible["cause"] = json!("\u{200B}");
    invisible["responsiblePerson"] = json!("\u{200B}\u{FEFF}");
    let body = s.run(&reporter, PROGRESS, invisible).await;
    assert_eq!(
        user_error(&body, "reportTaskProgress"),
        "OVERDUE_EXPLANATION_REQUIRED",
        "{body}"
    );
    let mut only_cause = input.clone();
    only_cause["cause"] = json!("Chờ hướng dẫn của Bộ Nội vụ");
    let body = s.run(&reporter, PROGRESS, only_cause).await;
    assert_eq!(
        user_error(&body, "reportTaskProgress"),
        "OVERDUE_EXPLANATION_REQUIRED"
    );
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");
    let mut explained = input.clone();
    explained["cause"] = json!("Chờ hướng dẫn của Bộ Nội vụ");
    explained["responsiblePerson"] = json!("Phó Giám đốc Sở phụ trách");
    let body = s.run(&reporter, PROGRESS, explained).await;
    let t = task_of(&body, "reportTaskProgress");
    assert_eq!(t["status"], "IN_PROGRESS");
    assert_eq!(t["cause"], "Chờ hướng dẫn của Bộ Nội vụ");
    assert_eq!(t["overdue"], true, "explained is still late");
    // Explained once for this due date: the next report need not repeat it.
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": gid(NodeKind::Task, late.id), "expectedVersion": t["version"], "percent": 60 }),
        )
        .await;
    assert_eq!(task_of(&body, "reportTaskProgress")["percent"], 60);
}

#[tokio::test]
async fn the_lead_reports_progress_and_the_monitoring_body_accepts_or_returns() {
    let s = setup().await;
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    let approver = s.app.token(&role_user(Role::Approver)).await;
    let coordinator = s.app.token(&role_user(Role::Coordinator)).await;
    let t = s.task_due(ahead(20)).await;
    let id = gid(NodeKind::Task, t.id);
    let evidence = document_of(&s.app, "7/UBND-NC", false, s.inside().id, "2025-08-05").await;

    // Accepting what is not completed is refused.
    let body = s
        .run(
            &coordinator,
            ACCEPT,
            json!({ "task": id, "expectedVersion": 1 }),
        )
        .await;
    assert_eq!(user_error(&body, "acceptTask"), "TASK_NOT_COMPLETED");
    let before = s.app.snapshot().await;
    for percent in [-1, 101] {
        let body = s
            .run(
                &reporter,
                PROGRESS,
                json!({ "task": id, "expectedVersion": 1, "percent": percent }),
            )
            .await;
        assert_eq!(user_error(&body, "reportTaskProgress"), "INVALID_PERCENT");
    }
    let unknown = gid(NodeKind::Document, Uuid::now_v7());
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": id, "expectedVersion": 1, "percent": 10, "evidence": [unknown] }),
        )
        .await;
    assert_eq!(user_error(&body, "reportTaskProgress"), "UNKNOWN_DOCUMENT");
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");

    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": id, "expectedVersion": 1, "percent": 30, "note": "Đã tổ chức hội nghị",
            "evidence": [gid(NodeKind::Document, evidence)] }),
        )
        .await;
    let t1 = task_of(&body, "reportTaskProgress");
    assert_eq!(
        (t1["status"].as_str(), t1["percent"].as_i64()),
        (Some("IN_PROGRESS"), Some(30))
    );
    // A stale version is a CONFLICT.
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": id, "expectedVersion": 1, "percent": 35 }),
        )
        .await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
    // The lead's APPROVER may report too.
    let body = s
        .run(&approver, COMPLETE, json!({ "task": id, "expectedVersion": t1["version"], "note": "Báo cáo kết quả số 12/BC-SNV" }))
        .await;
    let t2 = task_of(&body, "completeTask");
    assert_eq!(
        (t2["status"].as_str(), t2["percent"].as_i64()),
        (Some("COMPLETED"), Some(100))
    );
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": id, "expectedVersion": t2["version"], "percent": 90 }),
        )
        .await;
    assert_eq!(user_error(&body, "reportTaskProgress"), "TASK_CLOSED");
    // The lead may not accept its own work; the monitor returns it.
    let body = s
        .run(
            &reporter,
            ACCEPT,
            json!({ "task": id, "expectedVersion": t2["version"] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = s
        .run(
            &coordinator,
            RETURN,
            json!({ "task": id, "expectedVersion": t2["version"], "reason": "  " }),
        )
        .await;
    assert_eq!(user_error(&body, "returnTask"), "REASON_REQUIRED");
    let body = s
        .run(&coordinator, RETURN, json!({ "task": id, "expectedVersion": t2["version"], "reason": "Thiếu danh sách đại biểu" }))
        .await;
    let t3 = task_of(&body, "returnTask");
    assert_eq!(t3["status"], "RETURNED");
    assert_eq!(t3["returnReason"], "Thiếu danh sách đại biểu");
    let body = s
        .run(
            &reporter,
            COMPLETE,
            json!({ "task": id, "expectedVersion": t3["version"], "note": "Bổ sung danh sách" }),
        )
        .await;
    let t4 = task_of(&body, "completeTask");
    let body = s
        .run(
            &coordinator,
            ACCEPT,
            json!({ "task": id, "expectedVersion": t4["version"], "note": "Đạt yêu cầu" }),
        )
        .await;
    let t5 = task_of(&body, "acceptTask");
    assert_eq!(t5["status"], "ACCEPTED");
    assert!(t5["acceptedAt"].is_string());

    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($id: ID!) { task(id: $id) { history { kind status percent note evidence { number } recordedBy } viewerCan { reportProgress accept } } }",
            json!({ "id": id }),
        )
        .await;
    let kinds: Vec<&str> = body["data"]["task"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "PROGRESS",
            "COMPLETION",
            "RETURN",
            "COMPLETION",
            "ACCEPTANCE"
        ],
        "{body}"
    );
    assert_eq!(
        body["data"]["task"]["history"][0]["evidence"][0]["number"],
        "7/UBND-NC"
    );
    assert_eq!(
        body["data"]["task"]["viewerCan"],
        json!({ "reportProgress": false, "accept": false })
    );
}

#[tokio::test]
async fn a_recurring_task_moves_to_its_next_occurrence_once_accepted() {
    let s = setup().await;
    let t = s
        .task_with(TaskTime::Recurring {
            recurrence: entity::task::Recurrence::Yearly,
            from: day("2025-04-01"),
            to: day("2026-12-31"),
        })
        .await;
    assert_eq!(t.due_on, Some(day("2025-12-31")));
    let db = s.app.db();
    let explained = progress::Progress {
        cause: Some("Chậm tổng hợp".into()),
        responsible_person: Some("Trưởng phòng".into()),
        ..Default::default()
    };
    let done = progress::complete(db, Authority::Cli, t.id, t.version, explained)
        .await
        .unwrap();
    let next = progress::accept(db, Authority::Cli, t.id, done.version, None)
        .await
        .unwrap();
    assert_eq!(next.status, entity::task::TaskStatus::NotStarted);
    assert_eq!(next.due_on, Some(day("2026-12-31")));
    assert_eq!(next.accepted_due, Some(day("2025-12-31")));
}

#[tokio::test]
async fn coordinators_contribute_and_others_may_not() {
    let s = setup().await;
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    let t = s.task_due(ahead(20)).await;
    let id = gid(NodeKind::Task, t.id);
    let body = s
        .run(&reporter, CONTRIBUTE, json!({ "task": id, "unit": unit(s.inside().commune), "note": "Đã tuyên truyền trên đài truyền thanh xã" }))
        .await;
    let c = &body["data"]["contributeToTask"]["contribution"];
    assert_eq!(c["kind"], "CONTRIBUTION", "{body}");
    let before = s.app.snapshot().await;
    let body = s
        .run(
            &reporter,
            CONTRIBUTE,
            json!({ "task": id, "unit": unit(s.inside().department), "note": "Tôi là chủ trì" }),
        )
        .await;
    assert_eq!(user_error(&body, "contributeToTask"), "NOT_A_COORDINATOR");
    let body = s
        .run(
            &reporter,
            CONTRIBUTE,
            json!({ "task": id, "unit": unit(s.inside().commune), "note": " " }),
        )
        .await;
    assert_eq!(user_error(&body, "contributeToTask"), "INVALID_TEXT");
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");
    let stored = entity::task::Entity::find_by_id(t.id)
        .one(s.app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.version, t.version,
        "a contribution leaves the task as it was"
    );
}

#[tokio::test]
async fn a_task_waiting_for_a_document_is_due_once_it_arrives() {
    let s = setup().await;
    let coordinator = s.app.token(&role_user(Role::Coordinator)).await;
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    let body = s
        .add(json!({
            "title": "Phối hợp rà soát, xác định nội dung của luật",
            "leadGroups": ["DEPARTMENTS"],
            "output": "Kết quả rà soát gửi Sở Tư pháp tổng hợp",
            "time": { "kind": "AFTER_DOCUMENT", "workingDays": 10, "note": "Sau khi có văn bản rà soát của Bộ, ngành trung ương" },
        }))
        .await;
    let group = task_of(&body, "addPlanTask");
    assert_eq!(group["dueOn"], Value::Null, "{body}");
    assert_eq!(group["parts"][0]["dueOn"], Value::Null);
    let part = group["parts"][0]["id"].clone();
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($p: ID!) { tasks(filter: { plan: $p, overdue: true }) { totalCount } }",
            json!({ "p": gid(NodeKind::Plan, s.plan) }),
        )
        .await;
    assert_eq!(
        body["data"]["tasks"]["totalCount"], 0,
        "waiting is not late"
    );
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($p: ID!) { tasks(filter: { plan: $p, overdue: false }) { totalCount } }",
            json!({ "p": gid(NodeKind::Plan, s.plan) }),
        )
        .await;
    assert_eq!(
        body["data"]["tasks"]["totalCount"].as_u64(),
        Some(group["parts"].as_array().unwrap().len() as u64),
        "every waiting part is listed as not late: {body}"
    );
    // A group is worked through its parts.
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": group["id"], "expectedVersion": 1, "percent": 10 }),
        )
        .await;
    assert_eq!(user_error(&body, "reportTaskProgress"), "TASK_IS_GROUP");

    // The ministry's letter of Wednesday 3 September 2025: 10 working days.
    let letter = document_of(&s.app, "8/UBND-NC", false, s.inside().id, "2025-09-03").await;
    let body = s
        .run(
            &coordinator,
            TRIGGER,
            json!({ "task": group["id"], "document": gid(NodeKind::Document, letter) }),
        )
        .await;
    let t = task_of(&body, "recordTriggerDocument");
    assert_eq!(t["time"]["triggeredOn"], "2025-09-03", "{body}");
    assert_eq!(t["dueOn"], "2025-09-17");
    assert!(
        t["parts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["dueOn"] == "2025-09-17")
    );
    let before = s.app.snapshot().await;
    let body = s
        .run(
            &coordinator,
            TRIGGER,
            json!({ "task": group["id"], "document": gid(NodeKind::Document, letter) }),
        )
        .await;
    assert_eq!(
        user_error(&body, "recordTriggerDocument"),
        "NOT_AWAITING_DOCUMENT"
    );
    assert_eq!(s.app.snapshot().await, before);
    // Now overdue: the part's lead explains.
    let body = s
        .run(
            &reporter,
            PROGRESS,
            json!({ "task": part, "expectedVersion": 2, "percent": 10 }),
        )
        .await;
    assert_eq!(
        user_error(&body, "reportTaskProgress"),
        "OVERDUE_EXPLANATION_REQUIRED",
        "{body}"
    );
}

#[tokio::test]
async fn progress_rolls_up_the_tree_and_a_unit_sees_what_it_owes() {
    let s = setup().await;
    let p = s.inside();
    let body = s
        .add(json!({
            "title": "Đề xuất nội dung văn bản quy phạm pháp luật",
            "leadGroups": ["DEPARTMENTS"],
            "leads": [unit(p.commune)],
            "time": { "kind": "DATE", "dueOn": (today() - Days::new(10)).to_string() },
        }))
        .await;
    let group = task_of(&body, "addPlanTask");
    assert_eq!(group["parts"].as_array().unwrap().len(), 2, "{body}");
    let later = s.task_due(ahead(15)).await;
    let db = s.app.db();
    progress::report_progress(
        db,
        Authority::Cli,
        later.id,
        later.version,
        progress::Progress {
            percent: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let body = s
        .app
        .graphql_as(
            &s.root,
            "query($p: ID!) { taskProgress(plan: $p) { unit { code } figures { expected notStarted inProgress overdue percent }
               children { unit { code } figures { expected overdue } } } }",
            json!({ "p": gid(NodeKind::Plan, s.plan) }),
        )
        .await;
    let tp = &body["data"]["taskProgress"];
    assert_eq!(tp["unit"]["code"], "19", "{body}");
    assert_eq!(
        tp["figures"],
        json!({ "expected": 3, "notStarted": 2, "inProgress": 1, "overdue": 2, "percent": 16 })
    );
    let snv = tp["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"]["code"] == "19-SNV")
        .unwrap();
    assert_eq!(snv["figures"], json!({ "expected": 2, "overdue": 1 }));

    // The department's dashboard: its two tasks, the late one first.
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    let body = s
        .app
        .graphql_as(
            &reporter,
            "query($u: ID!) { dashboard(unit: $u) { kind itemId title dueOn overdue } }",
            json!({ "u": unit(p.department) }),
        )
        .await;
    let items = body["data"]["dashboard"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{body}");
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[1]["itemId"], gid(NodeKind::Task, later.id));
    assert!(items.iter().all(|i| i["kind"] == "TASK"));
    // Outside the caller's scope: FORBIDDEN.
    let body = s
        .app
        .graphql_as(
            &reporter,
            "query($u: ID!) { dashboard(unit: $u) { kind } }",
            json!({ "u": unit(s.fixture.outside.department) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn tasks_are_read_by_their_lead_and_monitor_and_plans_by_their_province() {
    let s = setup().await;
    let t = s.task_due(ahead(20)).await;
    let outsider = s
        .app
        .create_user("viewer.cb", s.fixture.outside.id, Some("viewer-password-1"))
        .await;
    phancap::users::service::grant_role(
        s.app.db(),
        Authority::Cli,
        outsider,
        Role::Viewer,
        s.fixture.outside.id,
    )
    .await
    .unwrap();
    let token = s.app.token("viewer.cb").await;
    let body = s
        .app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid(NodeKind::Task, t.id) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = s
        .app
        .graphql_as(
            &token,
            "{ plans { totalCount } tasks { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["plans"]["totalCount"], 0, "{body}");
    assert_eq!(body["data"]["tasks"]["totalCount"], 0);
    let viewer = s.app.token(&role_user(Role::Viewer)).await;
    let body = s
        .app
        .graphql_as(&viewer, "query($id: ID!) { node(id: $id) { ... on Task { title lead { code } plan { code contents { id } } } } plans { nodes { code } } }",
            json!({ "id": gid(NodeKind::Task, t.id) }))
        .await;
    assert_eq!(body["data"]["node"]["lead"]["code"], "19-SNV", "{body}");
    assert_eq!(body["data"]["plans"]["nodes"][0]["code"], "89/KH-UBND");
    let body = s.app.graphql("{ plans { totalCount } }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn another_domain_creates_a_follow_up_task_in_its_own_transaction() {
    let s = setup().await;
    let db = s.app.db();
    let recommendation = Uuid::now_v7();
    let spec = |title: &str| service::TaskSpec {
        plan_id: None,
        recommendation_id: Some(recommendation),
        title: title.into(),
        content: Some("Khắc phục tồn tại sau kiểm tra".into()),
        lead: s.inside().commune,
        coordinators: Vec::new(),
        coordinators_note: None,
        output: Some("Báo cáo kết quả khắc phục".into()),
        due: TaskTime::Date { due: ahead(30) },
        monitor: None,
    };
    let actor = phancap::audit::Actor::cli();
    let txn = phancap::db::begin(db).await.unwrap();
    let t = service::create_task_in(&txn, &actor, spec("Khắc phục"))
        .await
        .unwrap();
    // A refusal inside the caller's transaction rolls back with it.
    let mut bad = spec("Phối hợp ngoài tỉnh");
    bad.coordinators = vec![s.fixture.outside.commune];
    let refused = service::create_task_in(&txn, &actor, bad).await;
    assert!(matches!(refused, Err(AppError::Rule { .. })));
    txn.commit().await.unwrap();
    assert_eq!(
        t.monitor_unit_id,
        s.inside().department,
        "Sở Nội vụ monitors by default"
    );
    let found = service::tasks_of_recommendations(db, &[recommendation])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, entity::task::TaskStatus::NotStarted);
    let txn = phancap::db::begin(db).await.unwrap();
    let mut after_issue = spec("Sau ban hành");
    after_issue.due = TaskTime::AfterIssue { working_days: 3 };
    let refused = service::create_task_in(&txn, &actor, after_issue).await;
    assert!(
        matches!(refused, Err(AppError::Rule { code, .. }) if code.name() == "INVALID_TASK_TIME")
    );
}

/// Two acceptances (or an acceptance and a return) of one completed task
/// race: one takes effect, the other is a CONFLICT. Runs on PostgreSQL
/// with TEST_DATABASE_URL, where they truly overlap.
#[tokio::test]
async fn racing_acceptances_of_one_task_take_effect_once() {
    let s = setup().await;
    let db = s.app.db();
    for round in 0..4 {
        let t = s.task_due(ahead(20)).await;
        let t = progress::complete(db, Authority::Cli, t.id, t.version, Default::default())
            .await
            .unwrap();
        let (one, two) = if round % 2 == 0 {
            tokio::join!(
                progress::accept(db, Authority::Cli, t.id, t.version, None),
                progress::accept(db, Authority::Cli, t.id, t.version, None),
            )
        } else {
            tokio::join!(
                progress::accept(db, Authority::Cli, t.id, t.version, None),
                progress::send_back(db, Authority::Cli, t.id, t.version, "Thiếu hồ sơ"),
            )
        };
        let ok = [&one, &two].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{one:?} {two:?}");
        for r in [&one, &two] {
            if let Err(e) = r {
                assert!(
                    matches!(e, AppError::Conflict(_) | AppError::Rule { .. }),
                    "{e:?}"
                );
            }
        }
        let updates = entity::task_update::Entity::find()
            .filter(entity::task_update::Column::TaskId.eq(t.id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(updates, 2, "one completion and one decision");
    }
}

#[tokio::test]
async fn the_demo_enters_89_kh_ubnd_with_its_four_contents() {
    let app = crate::helpers::national();
    let body = app
        .graphql(
            "mutation { login(input: { username: \"coordinator.snv\", password: \"phancap-demo-2026\" }) { accessToken } }",
            json!({}),
        )
        .await;
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .graphql_as(
            &token,
            "{ plans { nodes { id code monitor { code } contents { position title isGroup assignees lead { code } dueOn output coordinatorsNote
                partsProgress { expected done accepted returned overdue }
                time { kind from to note }
                parts { status overdue cause responsiblePerson returnReason lead { code } } } } } }",
            json!({}),
        )
        .await;
    let plan = body["data"]["plans"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "89/KH-UBND")
        .unwrap_or_else(|| panic!("89/KH-UBND is in the demo: {body}"))
        .clone();
    assert_eq!(plan["monitor"]["code"], "19-SNV");
    let contents = plan["contents"].as_array().unwrap();
    assert_eq!(contents.len(), 4, "{plan}");
    assert!(
        contents[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Tổ chức quán triệt, phổ biến, truyền thông")
    );
    assert_eq!(contents[0]["time"]["kind"], "DATE");
    assert_eq!(contents[0]["dueOn"], "2025-04-15");
    assert!(
        contents[0]["coordinatorsNote"]
            .as_str()
            .unwrap()
            .contains("cơ quan báo chí")
    );
    assert_eq!(contents[1]["time"]["kind"], "AFTER_DOCUMENT");
    assert!(
        contents[1]["output"]
            .as_str()
            .unwrap()
            .contains("Sở Tư pháp")
    );
    assert_eq!(contents[2]["time"]["kind"], "AFTER_DOCUMENT");
    assert!(
        contents[2]["output"]
            .as_str()
            .unwrap()
            .contains("Sở Nội vụ")
    );
    let first = &contents[0]["partsProgress"];
    assert_eq!(
        (first["accepted"].as_i64(), first["returned"].as_i64()),
        (Some(1), Some(1)),
        "{first}"
    );
    assert!(
        first["overdue"].as_i64().unwrap() > 10,
        "the communes' and sở's parts not done: {first}"
    );
    assert_eq!(contents[3]["partsProgress"], Value::Null);
    assert_eq!(contents[3]["lead"]["code"], "19-SNV");
    assert_eq!(contents[3]["time"]["kind"], "WINDOW");
    assert_eq!(
        (
            contents[3]["time"]["from"].as_str(),
            contents[3]["dueOn"].as_str()
        ),
        (Some("2025-04-01"), Some("2026-12-31"))
    );
    let parts: Vec<&Value> = contents[..3]
        .iter()
        .flat_map(|c| c["parts"].as_array().unwrap())
        .collect();
    assert!(
        parts.iter().any(|p| p["status"] == "ACCEPTED"),
        "one accepted"
    );
    assert!(
        parts
            .iter()
            .any(|p| p["status"] == "RETURNED" && p["returnReason"].is_string()),
        "one returned"
    );
    assert!(
        parts.iter().any(|p| p["status"] == "IN_PROGRESS"),
        "some progress"
    );
    assert!(
        parts.iter().any(|p| p["overdue"] == true
            && p["cause"].is_string()
            && p["responsiblePerson"].is_string()),
        "one overdue with its explanation"
    );
}

#[tokio::test]
async fn an_approver_may_do_what_the_coordinator_and_the_reporter_do_in_scope() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let approver = app.token(&role_user(Role::Approver)).await;
    let doc = kh(&app, &fixture.inside, "91/KH-UBND", "2025-08-01").await;
    let body = app
        .graphql_as(
            &approver,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, doc) } }),
        )
        .await;
    let plan = body["data"]["createPlan"]["plan"]["id"].clone();
    assert!(plan.is_string(), "{body}");
    let body = app
        .graphql_as(
            &approver,
            ADD,
            json!({ "input": { "plan": plan, "title": "Tuyên truyền", "leads": [unit(fixture.inside.department)],
                "coordinators": [unit(fixture.inside.commune)], "time": { "kind": "DATE", "dueOn": ahead(20).to_string() } } }),
        )
        .await;
    let t = task_of(&body, "addPlanTask");
    assert_eq!(t["coordinators"], json!([{ "code": "05482" }]), "{body}");
    let body = app
        .graphql_as(
            &approver,
            CONTRIBUTE,
            json!({ "input": { "task": t["id"], "unit": unit(fixture.inside.commune), "note": "Đã phối hợp" } }),
        )
        .await;
    assert_eq!(
        body["data"]["contributeToTask"]["userErrors"],
        json!([]),
        "{body}"
    );
    // The coordinator of another province may not accept.
    let outsider = app
        .create_user(
            "coordinator.cb",
            fixture.outside.id,
            Some("coordinator-password-1"),
        )
        .await;
    phancap::users::service::grant_role(
        app.db(),
        Authority::Cli,
        outsider,
        Role::Coordinator,
        fixture.outside.id,
    )
    .await
    .unwrap();
    let token = app.token("coordinator.cb").await;
    let body = app
        .graphql_as(
            &token,
            ACCEPT,
            json!({ "input": { "task": t["id"], "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn a_returned_task_and_its_due_dates_are_told_to_its_lead_once() {
    use entity::notice;
    use phancap::notices::{Topic, sweep};
    let s = setup().await;
    let db = s.app.db();
    let topics = || async {
        notice::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|n| (n.topic, n.entity_id))
            .collect::<Vec<_>>()
    };
    // Due on a weekday two weeks ahead.
    let due = ahead(14);
    let t = s.task_due(due).await;
    let done = progress::complete(db, Authority::Cli, t.id, t.version, Default::default())
        .await
        .unwrap();
    progress::send_back(db, Authority::Cli, t.id, done.version, "Thiếu tài liệu")
        .await
        .unwrap();
    assert_eq!(topics().await, vec![(Topic::TaskReturned, t.id)]);

    // The sweep the day before the due date tells of it once; the day
    // after, of its being overdue once.
    let day_before = due - Days::new(1);
    assert_eq!(sweep(db, day_before, 3).await.unwrap(), 1);
    assert_eq!(sweep(db, day_before, 3).await.unwrap(), 0, "once");
    let mut after = due + Days::new(1);
    while matches!(after.weekday(), Weekday::Sat | Weekday::Sun) {
        after = after + Days::new(1);
    }
    assert_eq!(sweep(db, after, 3).await.unwrap(), 1);
    assert_eq!(sweep(db, after, 3).await.unwrap(), 0, "once");
    let written = topics().await;
    assert!(written.contains(&(Topic::TaskDue, t.id)), "{written:?}");
    assert!(written.contains(&(Topic::TaskOverdue, t.id)), "{written:?}");
    // An accepted task is owed no more: nothing further.
    let stored = entity::task::Entity::find_by_id(t.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let done = progress::complete(
        db,
        Authority::Cli,
        t.id,
        stored.version,
        progress::Progress {
            cause: Some("Bổ sung tài liệu".into()),
            responsible_person: Some("Trưởng phòng".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    progress::accept(db, Authority::Cli, t.id, done.version, None)
        .await
        .unwrap();
    assert_eq!(sweep(db, after + Days::new(1), 3).await.unwrap(), 0);
}

const TRANSFER: &str = "mutation($input: TransferTaskInput!) { transferTask(input: $input) {
    task { id version status percent lead { code } history { kind note } } userErrors { field code message } } }";

#[tokio::test]
async fn a_task_whose_lead_ended_is_carried_over_to_its_successor() {
    use sea_orm::{ActiveModelTrait, Set};
    let s = setup().await;
    let p = s.inside();
    let coordinator = s.app.token(&role_user(Role::Coordinator)).await;
    let reporter = s.app.token(&role_user(Role::Reporter)).await;
    let old = department(&s.app, p, "19-SCU", "2025-07-01", None).await;
    let second = department(&s.app, p, "19-SMOI", "2025-07-01", None).await;
    let t = service::add_plan_task(
        s.app.db(),
        Authority::Cli,
        service::NewPlanTask {
            plan: s.plan,
            title: "Rà soát thủ tục hành chính".into(),
            content: None,
            output: None,
            leads: vec![old],
            lead_groups: Vec::new(),
            coordinators: Vec::new(),
            coordinator_groups: Vec::new(),
            coordinators_note: None,
            time: TaskTime::Date { due: ahead(30) },
        },
    )
    .await
    .unwrap()
    .task;
    let t = progress::report_progress(
        s.app.db(),
        Authority::Cli,
        t.id,
        t.version,
        progress::Progress {
            percent: 40,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = gid(NodeKind::Task, t.id);
    let input =
        |to: Option<Uuid>| json!({ "task": id, "expectedVersion": t.version, "to": to.map(unit) });

    // While its lead is in force, the lead carries the task itself.
    let before = s.app.snapshot().await;
    let body = s.run(&coordinator, TRANSFER, input(None)).await;
    assert_eq!(user_error(&body, "transferTask"), "NOT_LAPSED");
    assert_eq!(s.app.snapshot().await, before, "a refusal changes nothing");

    // The lead ends, merged into the province's department and the second.
    let ended = entity::unit::Entity::find_by_id(old)
        .one(s.app.db())
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::unit::ActiveModel = ended.into();
    row.valid_to = Set(Some(today() - Days::new(1)));
    row.update(s.app.db()).await.unwrap();
    for successor in [p.department, second] {
        entity::unit_lineage::ActiveModel {
            id: Set(Uuid::now_v7()),
            predecessor_id: Set(old),
            successor_id: Set(successor),
            kind: Set(entity::unit_lineage::LineageKind::Split),
            effective_date: Set(today()),
            document: Set(None),
        }
        .insert(s.app.db())
        .await
        .unwrap();
    }
    let before = s.app.snapshot().await;
    // Two successors: the monitoring body names one; a unit that is no
    // successor is refused; only its COORDINATOR transfers.
    let body = s.run(&coordinator, TRANSFER, input(None)).await;
    assert_eq!(user_error(&body, "transferTask"), "INVALID_ASSIGNEE");
    let body = s.run(&coordinator, TRANSFER, input(Some(p.commune))).await;
    assert_eq!(user_error(&body, "transferTask"), "INVALID_ASSIGNEE");
    let body = s.run(&reporter, TRANSFER, input(Some(second))).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(s.app.snapshot().await, before, "refusals change nothing");

    let body = s.run(&coordinator, TRANSFER, input(Some(second))).await;
    let moved = task_of(&body, "transferTask");
    assert_eq!(moved["lead"]["code"], "19-SMOI");
    assert_eq!(
        (moved["status"].as_str(), moved["percent"].as_i64()),
        (Some("IN_PROGRESS"), Some(40)),
        "the task keeps where it stood"
    );
    let kinds: Vec<_> = moved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"TRANSFER".to_owned()), "{kinds:?}");
    // A second transfer from the same read is a CONFLICT; from the new
    // version, the lead is in force again.
    let body = s.run(&coordinator, TRANSFER, input(Some(second))).await;
    assert_eq!(error_code(&body), "CONFLICT", "{body}");
}

#[tokio::test]
async fn a_plan_of_a_so_leads_only_itself_and_its_monitor_gains_no_power() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let province = province_row(&app, fixture.inside.id).await;
    let stp = crate::helpers::department(&app, &province, "STP", "Sở Tư pháp").await;
    let sxd = crate::helpers::department(&app, &province, "SXD", "Sở Xây dựng").await;
    let mut tokens = Vec::new();
    for (name, unit) in [("approver.stp.own", stp), ("approver.sxd.own", sxd)] {
        let user = app
            .create_user(name, unit, Some("approver-password-1"))
            .await;
        phancap::users::service::grant_role(app.db(), Authority::Cli, user, Role::Approver, unit)
            .await
            .unwrap();
        tokens.push(app.token(name).await);
    }
    let (stp_token, sxd_token) = (&tokens[0], &tokens[1]);
    // Sở Tư pháp registers its own plan, naming Sở Xây dựng to monitor it.
    let doc = instrument(
        &app,
        "13/KH-STP",
        entity::document::DocumentType::Kh,
        stp,
        "2025-08-01",
    )
    .await;
    let body = app
        .graphql_as(
            stp_token,
            CREATE_PLAN,
            json!({ "input": { "document": gid(NodeKind::Document, doc), "monitor": unit(sxd) } }),
        )
        .await;
    let plan = body["data"]["createPlan"]["plan"]["id"].clone();
    assert!(plan.is_string(), "{body}");
    let time = json!({ "kind": "DATE", "dueOn": ahead(20).to_string() });
    let add = |token: &str, input: Value| {
        let mut input = input;
        input["plan"] = plan.clone();
        input["time"] = time.clone();
        let token = token.to_owned();
        let app = &app;
        async move { app.graphql_as(&token, ADD, json!({ "input": input })).await }
    };
    let before = app.snapshot().await;
    // A sở gives no content to every commune, nor leads another sở.
    let body = add(
        stp_token,
        json!({ "title": "Triển khai", "leadGroups": ["COMMUNES"] }),
    )
    .await;
    assert_eq!(
        user_error(&body, "addPlanTask"),
        "INVALID_ASSIGNEE",
        "{body}"
    );
    let body = add(
        stp_token,
        json!({ "title": "Triển khai", "leads": [unit(sxd)] }),
    )
    .await;
    assert_eq!(
        user_error(&body, "addPlanTask"),
        "INVALID_ASSIGNEE",
        "{body}"
    );
    // Being named the monitor gives Sở Xây dựng no power to give tasks.
    let body = add(
        sxd_token,
        json!({ "title": "Triển khai", "leads": [unit(stp)] }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.snapshot().await, before, "refusals change nothing");
    // It leads itself, with the other sở coordinating.
    let body = add(
        stp_token,
        json!({ "title": "Rà soát văn bản", "leads": [unit(stp)], "coordinators": [unit(sxd)] }),
    )
    .await;
    let t = task_of(&body, "addPlanTask");
    assert_eq!(t["lead"]["code"], "19-STP", "{body}");
}
