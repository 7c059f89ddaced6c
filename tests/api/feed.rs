//! The change feed: another system mirrors a province through `changes`
//! and ends equal to a fresh read; the feed's visibility is `node(id)`'s;
//! cursors resume exactly; commits interleaved on PostgreSQL are never
//! skipped; `updatedAt` moves with the entity and what belongs to it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use entity::role_grant::Role;
use phancap::auth::Authority;
use phancap::graphql::NodeKind;
use phancap::units::import::Structure;
use phancap::users::service as users;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, bundled_rows, document_of, error_code, gid, make_mandate, mandate_input, pg_url,
    reporting_cycle, role_user, spawn_app, submit_report,
};

/// The fields the mirror keeps of each entity it follows.
const MIRRORED: &str = "id updatedAt __typename
    ... on Unit { code name validTo predecessors { predecessor { code } } }
    ... on Mandate { code title status }
    ... on MandateAssignment { validTo }
    ... on Report { status version }
    ... on User { username active }
    ... on RoleGrant { role }";

/// One page of the feed as `token`.
async fn page(
    app: &TestApp,
    token: &str,
    after: Option<&str>,
    first: i64,
    types: Option<Vec<&str>>,
) -> Value {
    let query = format!(
        "query($after: String, $first: Int, $types: [NodeType!]) {{
           changes(after: $after, first: $first, types: $types) {{
             items {{ cursor kind type id at node {{ {MIRRORED} }} }}
             endCursor hasMore
           }} }}"
    );
    app.graphql_as(
        token,
        &query,
        json!({ "after": after, "first": first, "types": types }),
    )
    .await
}

/// Every change after `cursor` by pages of `first`, moving `cursor` on.
async fn read_all(
    app: &TestApp,
    token: &str,
    cursor: &mut Option<String>,
    first: i64,
) -> Vec<Value> {
    let mut items = Vec::new();
    for _ in 0..10_000 {
        let body = page(app, token, cursor.as_deref(), first, None).await;
        let changes = &body["data"]["changes"];
        let got = changes["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert!(got.len() as i64 <= first, "a page holds at most `first`");
        let ids: HashSet<&str> = got.iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), got.len(), "an entity appears once per page");
        items.extend(got.iter().cloned());
        *cursor = Some(changes["endCursor"].as_str().unwrap().to_owned());
        if changes["hasMore"] == false {
            return items;
        }
    }
    panic!("the feed never ended");
}

/// The mirror: global id → the mirrored fields; a deleted entity leaves.
async fn sync(
    app: &TestApp,
    token: &str,
    cursor: &mut Option<String>,
    mirror: &mut HashMap<String, Value>,
    first: i64,
) {
    for item in read_all(app, token, cursor, first).await {
        let id = item["id"].as_str().unwrap().to_owned();
        match &item["node"] {
            Value::Null => {
                mirror.remove(&id);
            }
            node => {
                mirror.insert(id, node.clone());
            }
        }
    }
}

/// The same fields read afresh through `nodes`.
async fn fresh(app: &TestApp, token: &str, ids: &[String]) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(100) {
        let body = app
            .graphql_as(
                token,
                &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {MIRRORED} }} }}"),
                json!({ "ids": chunk }),
            )
            .await;
        let nodes = body["data"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        for (id, node) in chunk.iter().zip(nodes) {
            out.insert(id.clone(), node.clone());
        }
    }
    out
}

/// A service account holding VIEWER over `scope`, and its token.
async fn service_account(app: &TestApp, name: &str, scope: Uuid) -> String {
    let user = app.create_user(name, scope, None).await;
    users::grant_role(app.db(), Authority::Cli, user, Role::Viewer, scope)
        .await
        .unwrap();
    app.token(name).await
}

async fn user_id(app: &TestApp, username: &str) -> Uuid {
    users::by_username(app.db(), username)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_second_system_mirrors_a_province_by_the_feed_and_ends_equal_to_a_fresh_read() {
    let app = spawn_app().await;
    let f = app.seed().await;
    let cycle = reporting_cycle(&app, &f.inside, 1).await;
    let token = service_account(&app, "lienthong.tn", f.inside.id).await;

    // The first sync, by small pages, from the start.
    let mut mirror = HashMap::new();
    let mut cursor = None;
    sync(&app, &token, &mut cursor, &mut mirror, 7).await;
    let report = gid(NodeKind::Report, cycle.report);
    assert_eq!(mirror[&report]["status"], "NOT_STARTED");

    // A series of changes, through the services and the unit import.
    let db = app.db();
    let basis = document_of(&app, "77/2025/QĐ-UBND", true, f.inside.id, "2025-01-01").await;
    let input = mandate_input(
        "FEED-1",
        "FEED-1",
        f.inside.id,
        vec![f.inside.commune],
        basis,
    );
    let mandate = make_mandate(&app, input, true).await;
    let ending = document_of(&app, "78/2025/QĐ-UBND", true, f.inside.id, "2025-02-01").await;
    phancap::mandates::service::revoke_mandate(
        db,
        Authority::Cli,
        mandate.id,
        ending,
        crate::helpers::today(),
    )
    .await
    .unwrap();
    submit_report(&app, cycle.report, 12.0).await;
    let viewer = user_id(&app, &role_user(Role::Viewer)).await;
    users::deactivate_user(db, Authority::Cli, viewer)
        .await
        .unwrap();
    // The reorganisation: Bắc Kạn's legacy units arrive with their lineage
    // into Thái Nguyên's communes, and a commune is renamed.
    let legacy = bundled_rows("units-legacy.csv", &["06"]);
    let summary = app.import_csv(Structure::Legacy, &legacy).await.unwrap();
    assert!(summary.created > 0 && summary.lineage.unwrap().created > 0);
    let renamed =
        bundled_rows("units-2025.csv", &["19"]).replace("Phường Đức Xuân", "Phường Đức Xuân Mới");
    app.import_csv(Structure::Current, &renamed).await.unwrap();

    // The mirror syncs from where it stopped.
    let before = mirror.len();
    sync(&app, &token, &mut cursor, &mut mirror, 20).await;
    assert!(mirror.len() > before);
    let mandate_id = gid(NodeKind::Mandate, mandate.id);
    assert_eq!(mirror[&mandate_id]["code"], "FEED-1");
    assert_eq!(mirror[&report]["status"], "SUBMITTED");
    assert_eq!(mirror[&gid(NodeKind::User, viewer)]["active"], false);
    let renamed = mirror
        .values()
        .find(|n| n["code"] == "01840" && n["validTo"].is_null())
        .expect("the renamed commune");
    assert_eq!(renamed["name"], "Phường Đức Xuân Mới");
    assert!(
        mirror
            .values()
            .any(|n| n["__typename"] == "Unit" && n["code"] == "06"),
        "the legacy province came in by the feed"
    );
    assert!(
        mirror.values().any(|n| n["__typename"] == "Unit"
            && n["predecessors"].as_array().is_some_and(|p| !p.is_empty())),
        "the lineage reached the current communes"
    );

    // Equal to a fresh read of every entity it holds.
    let mut ids: Vec<String> = mirror.keys().cloned().collect();
    ids.sort();
    let now = fresh(&app, &token, &ids).await;
    for id in &ids {
        assert_eq!(mirror[id], now[id], "{id}");
    }
    // And it holds every entity of the province it may read.
    let held: HashSet<&String> = mirror.keys().collect();
    let units = entity::unit::Entity::find().all(db).await.unwrap();
    for unit in units {
        assert!(
            held.contains(&gid(NodeKind::Unit, unit.id)),
            "{}",
            unit.code
        );
    }
    let reports = entity::report::Entity::find().all(db).await.unwrap();
    for r in reports {
        assert!(held.contains(&gid(NodeKind::Report, r.id)));
    }

    // Nothing new: an empty page that stays where it was.
    let body = page(&app, &token, cursor.as_deref(), 20, None).await;
    assert_eq!(body["data"]["changes"]["items"], json!([]));
    assert_eq!(body["data"]["changes"]["hasMore"], false);
    assert_eq!(
        body["data"]["changes"]["endCursor"].as_str(),
        cursor.as_deref()
    );
}

#[tokio::test]
async fn a_commune_viewer_never_sees_another_province_or_commune_in_the_feed() {
    let app = spawn_app().await;
    let f = app.seed().await;
    let inside = reporting_cycle(&app, &f.inside, 1).await;
    let outside = reporting_cycle(&app, &f.outside, 2).await;
    let commune = app.viewer_over("xa.viewer", f.inside.commune).await;

    let mut cursor = None;
    let items = read_all(&app, &commune, &mut cursor, 25).await;
    let ids: HashSet<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert!(ids.contains(gid(NodeKind::Report, inside.report).as_str()));
    assert!(!ids.contains(gid(NodeKind::Report, outside.report).as_str()));
    let root = gid(NodeKind::User, user_id(&app, "root").await);
    assert!(!ids.contains(root.as_str()), "a user homed at the province");
    // Every item is what `node(id)` gives this caller.
    for item in &items {
        let body = app
            .graphql_as(
                &commune,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": item["id"] }),
            )
            .await;
        assert!(body["errors"].is_null(), "{item} {body}");
        assert_eq!(body["data"]["node"]["id"], item["id"]);
    }
    // And the province's reports it may not read are FORBIDDEN there.
    let body = app
        .graphql_as(
            &commune,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid(NodeKind::Report, outside.report) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn a_mandate_that_ends_tells_every_reader_of_the_feed_though_its_node_is_no_longer_theirs() {
    let app = spawn_app().await;
    let f = app.seed().await;
    let commune = app.viewer_over("xa.viewer", f.inside.commune).await;
    let basis = document_of(&app, "79/2025/QĐ-UBND", true, f.inside.id, "2025-01-01").await;
    let input = mandate_input(
        "FEED-END",
        "FEED-END",
        f.inside.id,
        vec![f.inside.commune],
        basis,
    );
    let mandate = make_mandate(&app, input, true).await;
    let id = gid(NodeKind::Mandate, mandate.id);
    // In force, the province's mandate is the commune's to read and sync.
    let mut cursor = None;
    let items = read_all(&app, &commune, &mut cursor, 50).await;
    let item = items
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("in the feed");
    assert_eq!(item["node"]["status"], "ACTIVE", "{item}");
    // Revoked from yesterday, only the province's side may read it.
    let ending = document_of(&app, "80/2025/QĐ-UBND", true, f.inside.id, "2025-02-01").await;
    phancap::mandates::service::revoke_mandate(
        app.db(),
        Authority::Cli,
        mandate.id,
        ending,
        crate::helpers::today().pred_opt().unwrap(),
    )
    .await
    .unwrap();
    let body = app
        .graphql_as(
            &commune,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    // Yet the commune's copy learns that it ended.
    let items = read_all(&app, &commune, &mut cursor, 50).await;
    let ended: Vec<&Value> = items.iter().filter(|i| i["id"] == id.as_str()).collect();
    assert_eq!(ended.len(), 1, "{items:?}");
    assert_eq!(ended[0]["kind"], "ENDED");
    assert!(ended[0]["node"].is_null(), "{}", ended[0]);
}

#[tokio::test]
async fn a_discarded_draft_is_deleted_for_its_delegators_side_and_never_shown_to_the_units_it_named()
 {
    let app = spawn_app().await;
    let f = app.seed().await;
    let commune = app.viewer_over("xa.viewer", f.inside.commune).await;
    let province = service_account(&app, "lienthong.tn", f.inside.id).await;
    let input = mandate_input(
        "FEED-DRAFT",
        "FEED-DRAFT",
        f.inside.id,
        vec![f.inside.commune],
        document_of(&app, "83/2025/QĐ-UBND", true, f.inside.id, "2025-01-01").await,
    );
    let draft = make_mandate(&app, input, false).await;
    let (mut at_commune, mut at_province) = (None, None);
    let seen = read_all(&app, &commune, &mut at_commune, 50).await;
    let id = gid(NodeKind::Mandate, draft.id);
    assert!(
        !seen.iter().any(|i| i["id"] == id.as_str()),
        "a draft is the delegator's"
    );
    let seen = read_all(&app, &province, &mut at_province, 50).await;
    assert!(seen.iter().any(|i| i["id"] == id.as_str()));

    phancap::mandates::service::discard_draft(app.db(), Authority::Cli, draft.id)
        .await
        .unwrap();
    let after = read_all(&app, &commune, &mut at_commune, 50).await;
    assert!(
        after
            .iter()
            .all(|i| i["type"] != "MANDATE" && i["type"] != "MANDATE_ASSIGNMENT"),
        "the commune never saw the draft nor its delegatees: {after:?}"
    );
    let after = read_all(&app, &province, &mut at_province, 50).await;
    let kinds: HashSet<(&str, &str)> = after
        .iter()
        .filter(|i| i["node"].is_null())
        .map(|i| (i["type"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&("MANDATE", "DELETED")), "{after:?}");
    assert!(
        kinds.contains(&("MANDATE_ASSIGNMENT", "DELETED")),
        "{after:?}"
    );
}

#[tokio::test]
async fn types_filter_the_feed() {
    let app = spawn_app().await;
    let f = app.seed().await;
    reporting_cycle(&app, &f.inside, 1).await;
    let root = app.token("root").await;
    let body = page(&app, &root, None, 100, Some(vec!["REPORT", "MANDATE"])).await;
    let items = body["data"]["changes"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert!(!items.is_empty());
    let types: HashSet<&str> = items.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(types, HashSet::from(["REPORT", "MANDATE"]));
    let body = page(&app, &root, None, 100, Some(vec![])).await;
    let all = body["data"]["changes"]["items"].as_array().unwrap();
    assert!(all.iter().any(|i| i["type"] == "UNIT"), "empty is all");
}

#[tokio::test]
async fn a_cursor_resumes_exactly_without_gaps_or_duplicates() {
    let app = spawn_app().await;
    let f = app.seed().await;
    let cycle = reporting_cycle(&app, &f.inside, 1).await;
    let root = app.token("root").await;

    let mut whole_cursor = None;
    let whole = read_all(&app, &root, &mut whole_cursor, 100).await;
    let mut paged_cursor = None;
    let paged = read_all(&app, &root, &mut paged_cursor, 3).await;
    assert_eq!(whole_cursor, paged_cursor, "both stop at the same place");
    let set = |items: &[Value]| -> HashSet<String> {
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(set(&whole), set(&paged), "no gaps either way");
    // Cursors increase; an entity repeats only after a later change.
    let seqs: Vec<String> = paged
        .iter()
        .map(|i| i["cursor"].as_str().unwrap().to_owned())
        .collect();
    let mut seen = HashSet::new();
    let mut repeated = 0;
    for item in &paged {
        if !seen.insert(item["id"].as_str().unwrap()) {
            repeated += 1;
        }
    }
    assert!(repeated <= paged.len() - set(&paged).len());
    assert_eq!(
        seqs.iter().collect::<HashSet<_>>().len(),
        seqs.len(),
        "no change given twice"
    );

    // Resuming from an item's cursor gives exactly what followed it.
    let middle = &paged[paged.len() / 2];
    let mut cursor = Some(middle["cursor"].as_str().unwrap().to_owned());
    let rest = read_all(&app, &root, &mut cursor, 100).await;
    assert_eq!(set(&rest), set(&paged[paged.len() / 2 + 1..]));

    // A new change is the only thing after the end.
    submit_report(&app, cycle.report, 3.0).await;
    let mut cursor = whole_cursor.clone();
    let next = read_all(&app, &root, &mut cursor, 100).await;
    let report = gid(NodeKind::Report, cycle.report);
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0]["id"], report);
    assert_eq!(next[0]["kind"], "UPDATED");
    assert_eq!(next[0]["node"]["status"], "SUBMITTED");
}

#[tokio::test]
async fn bad_cursors_and_sizes_are_refused_with_a_stable_code_and_anonymous_callers_too() {
    let app = spawn_app().await;
    app.seed().await;
    let root = app.token("root").await;
    for cursor in ["nope", "Y2hhbmdlOi0x", "VW5pdDox"] {
        let body = page(&app, &root, Some(cursor), 10, None).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{cursor}: {body}");
    }
    for first in [-1, 101] {
        let body = page(&app, &root, None, first, None).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{first}: {body}");
    }
    let body = page(&app, &root, None, 0, None).await;
    assert_eq!(body["data"]["changes"]["items"], json!([]));
    assert_eq!(body["data"]["changes"]["hasMore"], true);
    let body = page(&app, &root, None, 100, None).await;
    assert_eq!(
        body["data"]["changes"]["items"].as_array().unwrap().len(),
        100
    );
    // A cursor past the last change was never given out: refused, while
    // the last one given is good.
    let mut cursor = None;
    read_all(&app, &root, &mut cursor, 100).await;
    let last = seq_of(cursor.as_deref().unwrap());
    let ahead = phancap::feed::service::encode_cursor(last + 1);
    let body = page(&app, &root, Some(&ahead), 10, None).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let body = page(&app, &root, cursor.as_deref(), 10, None).await;
    assert_eq!(body["data"]["changes"]["items"], json!([]), "{body}");
    let body = app.graphql("{ changes { endCursor } }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn updated_at_advances_on_an_update_and_on_a_change_of_what_belongs_to_it() {
    let app = spawn_app().await;
    let f = app.seed().await;
    let cycle = reporting_cycle(&app, &f.inside, 1).await;
    let root = app.token("root").await;
    let read = |id: String| {
        let app = &app;
        let root = &root;
        async move {
            let body = app
                .graphql_as(
                    root,
                    "query($id: ID!) { node(id: $id) { updatedAt } }",
                    json!({ "id": id }),
                )
                .await;
            body["data"]["node"]["updatedAt"]
                .as_str()
                .unwrap_or_else(|| panic!("{body}"))
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
        }
    };
    let report = gid(NodeKind::Report, cycle.report);
    let first = read(report.clone()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    submit_report(&app, cycle.report, 4.0).await;
    let second = read(report.clone()).await;
    assert!(second > first, "{first} then {second}");

    // A grant is the user's: granting one moves the user's updatedAt,
    // though the user's own row is unchanged.
    let viewer = user_id(&app, &role_user(Role::Viewer)).await;
    let user = gid(NodeKind::User, viewer);
    let before = read(user.clone()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    users::grant_role(
        app.db(),
        Authority::Cli,
        viewer,
        Role::Reporter,
        f.inside.commune,
    )
    .await
    .unwrap();
    assert!(read(user).await > before);
}

#[tokio::test]
async fn updated_at_of_a_page_of_units_costs_one_statement_per_level() {
    let app = spawn_app().await;
    app.seed().await;
    let query = "{ unitByCode(code: \"19\") { children(first: 100) { nodes { id name } } } }";
    let plain = app.graphql(query, json!({})).await;
    assert!(plain["errors"].is_null(), "{plain}");
    let before = app.statements.get();
    app.graphql(query, json!({})).await;
    let without = app.statements.get() - before;
    let before = app.statements.get();
    let body = app
        .graphql(
            "{ unitByCode(code: \"19\") { updatedAt children(first: 100) { nodes { id name updatedAt } } } }",
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let with = app.statements.get() - before;
    // Two levels ask for updatedAt: two statements, or a few more when a
    // loaded machine (the suite in parallel) splits a level's batch,
    // never one per unit (93 here).
    assert!(with <= without + 4, "{without} then {with}");
}

#[tokio::test]
async fn a_unit_import_is_one_audit_event_with_its_counts_and_the_file_hash() {
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    let csv = bundled_rows("units-2025.csv", &["19"]);
    app.import_csv(Structure::Current, &csv).await.unwrap();
    let events = entity::audit_event::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(
            &entity::audit_event::Column::Action,
            "importUnits",
        ))
        .order_by_asc(entity::audit_event::Column::Seq)
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let after: Value = serde_json::from_str(events[0].after.as_deref().unwrap()).unwrap();
    let hash: String = Sha256::digest(csv.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(after["sha256"], hash);
    assert_eq!(after["created"], 93);
    assert_eq!(after["structure"], "2025");
    // The same file again changes nothing and leaves no second event.
    app.import_csv(Structure::Current, &csv).await.unwrap();
    assert_eq!(app.audit_len().await, 1);
}

#[tokio::test]
async fn interleaved_commits_on_postgresql_are_never_skipped_by_a_polling_reader() {
    if pg_url().is_none() {
        return;
    }
    let app = spawn_app().await;
    app.seed().await;
    let root = app.token("root").await;
    let mut cursor = None;
    read_all(&app, &root, &mut cursor, 100).await;

    // A writes first and stays open; B writes after and commits first.
    let a = crate::helpers::begin_immediate(app.db()).await;
    a.execute_unprepared("UPDATE unit SET name = name || ' (A)' WHERE code = '05482'")
        .await
        .unwrap();
    let b = crate::helpers::begin_immediate(app.db()).await;
    b.execute_unprepared("UPDATE unit SET name = name || ' (B)' WHERE code = '01273'")
        .await
        .unwrap();
    b.commit().await.unwrap();
    let seen_b = read_all(&app, &root, &mut cursor, 100).await;
    assert_eq!(seen_b.len(), 1, "{seen_b:?}");
    assert!(seen_b[0]["node"]["name"].as_str().unwrap().ends_with("(B)"));

    // A commits later: the reader, resuming after B, still gets A.
    a.commit().await.unwrap();
    let seen_a = read_all(&app, &root, &mut cursor, 100).await;
    assert_eq!(seen_a.len(), 1, "{seen_a:?}");
    assert!(seen_a[0]["node"]["name"].as_str().unwrap().ends_with("(A)"));

    // Many writers at once, a reader polling throughout: every change once.
    let writers: Vec<_> = (0..8)
        .map(|n| {
            let db = app.db().clone();
            tokio::spawn(async move {
                for round in 0..5 {
                    let txn = phancap::db::begin(&db).await.unwrap();
                    txn.execute_unprepared(&format!(
                        "UPDATE unit SET name = 'W{n} R{round}' WHERE code = '19-SNV'"
                    ))
                    .await
                    .unwrap();
                    tokio::time::sleep(Duration::from_millis(3)).await;
                    txn.commit().await.unwrap();
                }
            })
        })
        .collect();
    // The invariant: once the reader has reached seq N, no change at or
    // below N appears afterwards.
    let mut reached: Vec<(i64, usize)> = Vec::new();
    for _ in 0..400 {
        read_all(&app, &root, &mut cursor, 100).await;
        let n = seq_of(cursor.as_deref().unwrap());
        reached.push((n, numbered_up_to(&app, n).await));
        if writers.iter().all(|w| w.is_finished()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    for w in writers {
        w.await.unwrap();
    }
    assert!(reached.len() > 1);
    for (n, count) in reached {
        assert_eq!(
            numbered_up_to(&app, n).await,
            count,
            "a change below {n} came late"
        );
    }
    let seqs: Vec<Option<i64>> = entity::change::Entity::find()
        .order_by_asc(entity::change::Column::Seq)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.seq)
        .collect();
    assert!(
        seqs.iter().all(Option::is_some),
        "every committed change numbered"
    );
}

/// The position a feed cursor stands for (tests may look inside).
fn seq_of(cursor: &str) -> i64 {
    use base64::Engine;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .unwrap();
    String::from_utf8(text).unwrap()["change:".len()..]
        .parse()
        .unwrap()
}

/// How many committed changes are numbered `n` or below.
async fn numbered_up_to(app: &TestApp, n: i64) -> usize {
    entity::change::Entity::find()
        .filter(sea_orm::ColumnTrait::lte(&entity::change::Column::Seq, n))
        .all(app.db())
        .await
        .unwrap()
        .len()
}
