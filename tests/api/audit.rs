//! The audit trail: one event per change, scoped reads, tamper detection.

use entity::role_grant::Role;
use phancap::audit;
use phancap::graphql::NodeKind;
use sea_orm::{ConnectionTrait, Iterable};
use serde_json::json;

use crate::helpers::{error_code, gid, role_user, spawn_app};

const EVENTS: &str = "query($entity: ID) { auditEvents(entity: $entity, first: 100) {
  edges { node { seq action actorUsername role entityType entity before after } }
  pageInfo { hasNextPage endCursor }
} }";

#[tokio::test]
async fn a_mandate_is_audited_as_its_row_with_its_delegatees() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let basis = crate::helpers::document(&app, "7/2025/QĐ-UBND", true).await;
    let input = crate::helpers::mandate_input(
        "AU-1",
        "AU",
        fixture.inside.id,
        vec![fixture.inside.department],
        basis,
    );
    let m = crate::helpers::make_mandate(&app, input, false).await;
    let root = app.token("root").await;
    let body = app
        .graphql_as(
            &root,
            EVENTS,
            json!({ "entity": gid(NodeKind::Mandate, m.id) }),
        )
        .await;
    let after = &body["data"]["auditEvents"]["edges"][0]["node"]["after"];
    assert_eq!(after["code"], "AU-1", "{body}");
    assert_eq!(after["sector"], "XAY_DUNG");
    assert_eq!(after["kind"], "DECENTRALIZATION");
    assert_eq!(after["state"], "DRAFT");
    assert_eq!(after["delegatorCapacity"], "COLLECTIVE");
    assert_eq!(after["effectiveFrom"], m.effective_from.to_string());
    assert_eq!(
        after["delegatees"],
        json!([fixture.inside.department.to_string()])
    );
    // Every column of the row is there, so a new one needs no audit code.
    let keys = after.as_object().unwrap().len();
    assert_eq!(keys, entity::mandate::Column::iter().count() + 1, "{after}");
}

#[tokio::test]
async fn a_change_is_recorded_with_actor_role_before_and_after() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let admin = app.token(&role_user(Role::Admin)).await;
    let department = gid(NodeKind::Unit, fixture.inside.department);
    let body = app
        .graphql_as(
            &admin,
            "mutation($id: ID!) { updateUnit(input: { id: $id, name: \"Sở Nội vụ tỉnh Thái Nguyên\" }) { unit { name } } }",
            json!({ "id": department }),
        )
        .await;
    assert_eq!(
        body["data"]["updateUnit"]["unit"]["name"],
        "Sở Nội vụ tỉnh Thái Nguyên"
    );
    let body = app
        .graphql_as(&admin, EVENTS, json!({ "entity": department }))
        .await;
    let edges = body["data"]["auditEvents"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(
        edges.len(),
        2,
        "created by the fixture, then renamed: {body}"
    );
    let event = &edges[0]["node"];
    assert_eq!(event["action"], "updateUnit");
    assert_eq!(event["actorUsername"], role_user(Role::Admin));
    assert_eq!(event["role"], "ADMIN");
    assert_eq!(event["entity"], department);
    assert_eq!(event["before"]["name"], "Sở Nội vụ 19");
    assert_eq!(event["after"]["name"], "Sở Nội vụ tỉnh Thái Nguyên");
    assert_eq!(edges[1]["node"]["action"], "createUnit");
    assert_eq!(edges[1]["node"]["actorUsername"], "cli");
    assert_eq!(
        audit::verify(app.db()).await.unwrap(),
        Ok(app.audit_len().await as i64)
    );
}

#[tokio::test]
async fn the_trail_is_read_only_within_an_admin_or_inspector_scope() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let inspector = app.token(&role_user(Role::Inspector)).await;
    let inside = gid(NodeKind::Unit, fixture.inside.department);
    let outside = gid(NodeKind::Unit, fixture.outside.department);
    let body = app
        .graphql_as(&inspector, EVENTS, json!({ "entity": inside }))
        .await;
    assert_eq!(
        body["data"]["auditEvents"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{body}"
    );
    let body = app
        .graphql_as(&inspector, EVENTS, json!({ "entity": outside }))
        .await;
    assert_eq!(
        body["data"]["auditEvents"]["edges"],
        json!([]),
        "outside the scope: {body}"
    );
    for role in [Role::Viewer, Role::Approver, Role::Reporter] {
        let token = app.token(&role_user(role)).await;
        let body = app.graphql_as(&token, EVENTS, json!({})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{role:?}");
    }
    // Pages of the whole trail in scope follow each other newest first.
    let root = app.token("root").await;
    let first = app.graphql_as(&root, "{ auditEvents(first: 3) { edges { node { seq } } pageInfo { hasNextPage endCursor } } }", json!({})).await;
    let seqs: Vec<i64> = first["data"]["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 3);
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "{seqs:?}");
    let cursor = first["data"]["auditEvents"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap();
    let next = app
        .graphql_as(
            &root,
            "query($c: String) { auditEvents(first: 1, after: $c) { edges { node { seq } } } }",
            json!({ "c": cursor }),
        )
        .await;
    assert_eq!(
        next["data"]["auditEvents"]["edges"][0]["node"]["seq"],
        seqs[2] - 1
    );
}

#[tokio::test]
async fn editing_or_removing_an_event_behind_the_application_breaks_the_chain() {
    let app = spawn_app().await;
    app.seed().await;
    let db = app.db();
    let total = app.audit_len().await as i64;
    assert_eq!(audit::verify(db).await.unwrap(), Ok(total));

    db.execute_unprepared("UPDATE audit_event SET actor_username = 'someone-else' WHERE seq = 3")
        .await
        .unwrap();
    let broken = audit::verify(db).await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("edited"), "{broken}");
    db.execute_unprepared("UPDATE audit_event SET actor_username = 'cli' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(audit::verify(db).await.unwrap(), Ok(total), "restored");

    db.execute_unprepared("DELETE FROM audit_event WHERE seq = 5")
        .await
        .unwrap();
    let broken = audit::verify(db).await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("missing"), "{broken}");
}

#[tokio::test]
async fn cutting_off_the_newest_events_is_detected_too() {
    let app = spawn_app().await;
    app.seed().await;
    let db = app.db();
    let total = app.audit_len().await as i64;
    db.execute_unprepared(&format!("DELETE FROM audit_event WHERE seq = {total}"))
        .await
        .unwrap();
    let broken = audit::verify(db).await.unwrap().unwrap_err();
    assert!(broken.reason.contains("head records"), "{broken}");
}
