//! The catalogue of powers: importing and keeping it, the rules it feeds
//! (LAW.md §7.3 R8, R16), coverage per catalogued matter (R11), and the
//! migration that catalogues the matter codes mandates already had.

use entity::document::DocumentType;
use entity::mandate::MandateKind;
use entity::matter::MatterHolder;
use migration::{Migrator, MigratorTrait};
use phancap::auth::Authority;
use phancap::error::AppError;
use phancap::graphql::NodeKind;
use phancap::mandates::matters::{self, MatterInput};
use phancap::mandates::service as mandates;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, document, gid, make_mandate, mandate_input, spawn_app};

const IMPORT: &str = "mutation($input: ImportMattersInput!) { importMatters(input: $input) {
  dryRun created updated unchanged lineErrors { line column code } userErrors { field code message } } }";

const CREATE: &str = "mutation($input: CreateMatterInput!) { createMatter(input: $input) {
  matter { code procedureCodes } userErrors { field code message } } }";

const UPDATE: &str = "mutation($input: UpdateMatterInput!) { updateMatter(input: $input) {
  matter { code name } userErrors { field code message } } }";

const HEADER: &str = "code,name,sector,law,holder,non_delegable,non_delegable_basis,procedure_codes,changes_procedure";

fn csv(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// A matter for the service, delegable, of UBND tỉnh.
fn matter(code: &str) -> MatterInput {
    MatterInput {
        code: code.into(),
        name: format!("Cấp giấy phép {code}"),
        sector: entity::mandate::Sector::XayDung,
        law: "Luật Xây dựng 2014, Điều 103".into(),
        law_document: None,
        holder: MatterHolder::UbndProvince,
        holder_department: None,
        non_delegable: false,
        non_delegable_basis: None,
        autonomy_related: false,
        procedure_codes: Vec::new(),
        changes_procedure: false,
        valid_from: None,
        valid_to: None,
    }
}

async fn create(app: &TestApp, input: MatterInput) {
    matters::create_matter(app.db(), Authority::Cli, input)
        .await
        .unwrap();
}

fn rule_code<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    match result {
        Err(AppError::Rule { code, .. }) => code.name(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_import_is_all_or_nothing_lists_its_faults_by_line_and_can_be_dry_run() {
    let app = spawn_app().await;
    app.seed().await;
    let root = app.token("root").await;
    let bad = csv(&[
        "XD-A,\"Cấp giấy phép xây dựng, cấp II\",XAY_DUNG,Luật Xây dựng 2014,UBND_PROVINCE,false,,1.009993,false",
        "XD-B,Việc hai,NOWHERE,Luật,UBND_PROVINCE,false,,,false",
        "XD-A,Việc ba,XAY_DUNG,Luật,UBND_PROVINCE,false,,,false",
        "XD-D,Việc bốn,XAY_DUNG,Luật,UBND_PROVINCE,true,,,false",
        "XD-E,Việc năm,XAY_DUNG,Luật,UBND_PROVINCE,false,,1.2,false",
        "X,Việc sáu,XAY_DUNG,Luật,UBND_PROVINCE,false,,,false",
    ]);
    let before = app.snapshot().await;
    let body = app
        .graphql_as(&root, IMPORT, json!({ "input": { "csv": bad } }))
        .await;
    let payload = &body["data"]["importMatters"];
    assert_eq!(
        payload["lineErrors"],
        json!([
            { "line": 3, "column": "sector", "code": "MALFORMED_CSV" },
            { "line": 4, "column": "code", "code": "DUPLICATE_CODE" },
            { "line": 5, "column": "non_delegable_basis", "code": "NON_DELEGABLE_BASIS_REQUIRED" },
            { "line": 6, "column": "procedure_codes", "code": "INVALID_PROCEDURE_CODE" },
            { "line": 7, "column": "code", "code": "INVALID_CODE" },
        ]),
        "{body}"
    );
    assert_eq!(payload["created"], 0);
    assert_eq!(payload["userErrors"][0]["field"], "csv");
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3, column sector:"),
        "{body}"
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "a refused import writes nothing"
    );

    // A missing column is a fault of line 1.
    let body = app
        .graphql_as(
            &root,
            IMPORT,
            json!({ "input": { "csv": "code,name,sector\nA-1,B,XAY_DUNG\n" } }),
        )
        .await;
    assert_eq!(
        body["data"]["importMatters"]["lineErrors"],
        json!([{ "line": 1, "column": null, "code": "MALFORMED_CSV" }]),
        "{body}"
    );

    let good = csv(&[
        "XD-A,\"Cấp giấy phép xây dựng, cấp II\",XAY_DUNG,Luật Xây dựng 2014,UBND_PROVINCE,false,,1.009993;2.000229,true",
        "DD-B,Giao đất cho tổ chức,DAT_DAI,Luật Đất đai 2024,UBND_PROVINCE,true,\"Luật Đất đai 2024, Điều 123\",,false",
    ]);
    let body = app
        .graphql_as(
            &root,
            IMPORT,
            json!({ "input": { "csv": good, "dryRun": true } }),
        )
        .await;
    let payload = &body["data"]["importMatters"];
    assert_eq!(payload["dryRun"], true, "{body}");
    assert_eq!(payload["created"], 2);
    assert_eq!(app.snapshot().await, before, "a dry run writes nothing");

    let events = app.audit_len().await;
    let body = app
        .graphql_as(&root, IMPORT, json!({ "input": { "csv": good } }))
        .await;
    assert_eq!(body["data"]["importMatters"]["created"], 2, "{body}");
    assert_eq!(
        app.audit_len().await,
        events + 1,
        "one event for the import"
    );
    let event = entity::audit_event::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "importMatters")
        .expect("the import is audited");
    assert!(format!("{:?}", event).contains("created"), "{event:?}");

    // Again with one name changed: updated by code, the other unchanged.
    let again = good.replace(
        "Giao đất cho tổ chức",
        "Giao đất và cho thuê đất cho tổ chức",
    );
    let body = app
        .graphql_as(&root, IMPORT, json!({ "input": { "csv": again } }))
        .await;
    let payload = &body["data"]["importMatters"];
    assert_eq!(
        (
            &payload["created"],
            &payload["updated"],
            &payload["unchanged"]
        ),
        (&json!(0), &json!(1), &json!(1)),
        "{body}"
    );

    // The catalogue reads: diacritic-insensitive search, filters, pages.
    let list = "query($f: MatterFilter, $after: String) { matters(filter: $f, first: 1, after: $after) {
        totalCount nodes { code name holder nonDelegable nonDelegableBasis procedureCodes changesProcedure }
        pageInfo { hasNextPage endCursor } } }";
    let body = app
        .graphql(list, json!({ "f": { "search": "giay phep" } }))
        .await;
    let found = &body["data"]["matters"];
    assert_eq!(found["totalCount"], 1, "{body}");
    assert_eq!(
        found["nodes"][0],
        json!({ "code": "XD-A", "name": "Cấp giấy phép xây dựng, cấp II", "holder": "UBND_PROVINCE",
                "nonDelegable": false, "nonDelegableBasis": null,
                "procedureCodes": ["1.009993", "2.000229"], "changesProcedure": true })
    );
    for (filter, code) in [
        (json!({ "nonDelegable": true }), "DD-B"),
        (json!({ "sector": "XAY_DUNG" }), "XD-A"),
        (json!({ "search": "2.000229" }), "XD-A"),
        (json!({ "search": "dd-" }), "DD-B"),
    ] {
        let body = app.graphql(list, json!({ "f": filter })).await;
        assert_eq!(
            body["data"]["matters"]["nodes"][0]["code"], code,
            "{filter}: {body}"
        );
        assert_eq!(body["data"]["matters"]["totalCount"], 1, "{filter}: {body}");
    }
    let body = app.graphql(list, json!({})).await;
    let page = &body["data"]["matters"];
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["nodes"][0]["code"], "DD-B");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let body = app
        .graphql(list, json!({ "after": page["pageInfo"]["endCursor"] }))
        .await;
    assert_eq!(body["data"]["matters"]["nodes"][0]["code"], "XD-A");
    assert_eq!(body["data"]["matters"]["pageInfo"]["hasNextPage"], false);
    let body = app
        .graphql("{ matter(code: \"DD-B\") { name nonDelegableBasis } none: matter(code: \"NOPE\") { name } }", json!({}))
        .await;
    assert_eq!(
        body["data"],
        json!({ "matter": { "name": "Giao đất và cho thuê đất cho tổ chức", "nonDelegableBasis": "Luật Đất đai 2024, Điều 123" }, "none": null }),
        "{body}"
    );
}

#[tokio::test]
async fn each_catalogue_rule_has_its_code_and_changes_nothing() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    create(&app, matter("XD-USED")).await;
    create(&app, matter("XD-FREE")).await;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    make_mandate(
        &app,
        mandate_input(
            "M-USED",
            "XD-USED",
            fixture.inside.id,
            vec![fixture.inside.department],
            basis,
        ),
        false,
    )
    .await;
    let new = |extra: Value| {
        let mut input = json!({ "code": "XD-NEW", "name": "Việc mới", "sector": "XAY_DUNG",
                                "law": "Luật Xây dựng 2014", "holder": "UBND_PROVINCE" });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({ "input": input })
    };
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "createMatter",
            CREATE,
            new(json!({ "code": "X" })),
            "INVALID_CODE",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "code": "XD-FREE" })),
            "DUPLICATE_CODE",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "name": " " })),
            "INVALID_TEXT",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "procedureCodes": ["1.00999"] })),
            "INVALID_PROCEDURE_CODE",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "nonDelegable": true })),
            "NON_DELEGABLE_BASIS_REQUIRED",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "nonDelegableBasis": "Luật X" })),
            "NON_DELEGABLE_BASIS_REQUIRED",
        ),
        (
            "createMatter",
            CREATE,
            new(json!({ "validFrom": "2026-01-02", "validTo": "2026-01-01" })),
            "INVALID_DATE",
        ),
        (
            "updateMatter",
            UPDATE,
            json!({ "input": { "code": "XD-USED", "newCode": "XD-OTHER" } }),
            "MATTER_IN_USE",
        ),
        (
            "updateMatter",
            UPDATE,
            json!({ "input": { "code": "XD-FREE", "newCode": "XD-USED" } }),
            "DUPLICATE_CODE",
        ),
    ];
    for (field, query, vars, code) in cases {
        let before = app.snapshot().await;
        let body = app.graphql_as(&root, query, vars.clone()).await;
        assert_eq!(
            body["data"][field]["userErrors"][0]["code"], code,
            "{field} {vars}: {body}"
        );
        assert_eq!(
            app.snapshot().await,
            before,
            "{field} {vars} changed something"
        );
    }
    // A matter no mandate names may change its code; names change freely.
    let body = app
        .graphql_as(
            &root,
            UPDATE,
            json!({ "input": { "code": "XD-FREE", "newCode": "XD-FREED", "name": "Việc đã đổi" } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateMatter"]["matter"],
        json!({ "code": "XD-FREED", "name": "Việc đã đổi" }),
        "{body}"
    );
    let body = app
        .graphql_as(
            &root,
            UPDATE,
            json!({ "input": { "code": "XD-USED", "name": "Việc đang dùng" } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateMatter"]["matter"]["name"], "Việc đang dùng",
        "{body}"
    );
    // A mandate names a catalogued matter.
    let before = app.snapshot().await;
    let unknown = mandates::draft_mandate(
        app.db(),
        Authority::Cli,
        mandate_input(
            "M-UNKNOWN",
            "XD-NOWHERE",
            fixture.inside.id,
            vec![fixture.inside.department],
            basis,
        ),
    )
    .await;
    assert_eq!(rule_code(unknown), "UNKNOWN_MATTER");
    assert_eq!(app.snapshot().await, before);
    let body = app
        .graphql_as(
            &root,
            "mutation($input: DraftMandateInput!) { draftMandate(input: $input) { mandate { id } userErrors { field code } } }",
            json!({ "input": {
                "code": "M-UNKNOWN", "title": "Cấp phép", "sector": "XAY_DUNG", "matterCode": "XD-NOWHERE",
                "kind": "DECENTRALIZATION", "delegator": gid(NodeKind::Unit, fixture.inside.id),
                "effectiveFrom": "2026-01-01", "delegatees": [gid(NodeKind::Unit, fixture.inside.department)] } }),
        )
        .await;
    assert_eq!(
        body["data"]["draftMandate"]["userErrors"],
        json!([{ "field": "matterCode", "code": "UNKNOWN_MATTER" }]),
        "{body}"
    );
    // A mandate shows its matter.
    let body = app
        .graphql_as(
            &root,
            "{ mandateByCode(code: \"M-USED\") { matterCode matter { code name law holder } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["mandateByCode"],
        json!({ "matterCode": "XD-USED", "matter": { "code": "XD-USED", "name": "Việc đang dùng",
                "law": "Luật Xây dựng 2014, Điều 103", "holder": "UBND_PROVINCE" } }),
        "{body}"
    );
}

/// Issues a draft of `input` from the command line: the refusal's code,
/// or None when issued.
async fn try_issue(app: &TestApp, input: mandates::MandateInput) -> Option<String> {
    let draft = make_mandate(app, input, false).await;
    let before = app.snapshot().await;
    match mandates::issue_mandate(app.db(), Authority::Cli, draft.id).await {
        Ok(_) => None,
        Err(AppError::Rule { code, message, .. }) => {
            assert_eq!(app.snapshot().await, before, "a refusal changes nothing");
            Some(format!("{} {message}", code.name()))
        }
        Err(other) => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rule_8_a_non_delegable_matter_is_not_delegated() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let tn = &fixture.inside;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    create(
        &app,
        MatterInput {
            non_delegable: true,
            non_delegable_basis: Some("Luật Đất đai 2024, Điều 123".into()),
            ..matter("DD-GIAO-DAT")
        },
    )
    .await;
    let refused = try_issue(
        &app,
        mandate_input("R8-A", "DD-GIAO-DAT", tn.id, vec![tn.department], basis),
    )
    .await
    .expect("refused");
    assert!(refused.starts_with("NON_DELEGABLE "), "{refused}");
    assert!(refused.contains("Luật Đất đai 2024, Điều 123"), "{refused}");
    // The same mandate of a delegable matter is issued.
    create(&app, matter("DD-OTHER")).await;
    let issued = try_issue(
        &app,
        mandate_input("R8-B", "DD-OTHER", tn.id, vec![tn.department], basis),
    )
    .await;
    assert_eq!(issued, None);
}

async fn decision(
    app: &TestApp,
    number: &str,
    doc_type: DocumentType,
    issuer: Uuid,
    issued: &str,
) -> Uuid {
    crate::helpers::instrument(app, number, doc_type, issuer, issued).await
}

#[tokio::test]
async fn rule_16_a_procedure_changing_delegation_cites_its_publication() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let tn = &fixture.inside;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    create(
        &app,
        MatterInput {
            procedure_codes: vec!["2.000229".into()],
            changes_procedure: true,
            ..matter("CT-VLNCN")
        },
    )
    .await;
    let with = |code: &str, publication: Option<Uuid>| {
        let mut input = mandate_input(code, "CT-VLNCN", tn.id, vec![tn.department], basis);
        input.procedure_publication = publication;
        input
    };
    let refused = try_issue(&app, with("R16-A", None)).await.unwrap();
    assert!(refused.starts_with("PUBLICATION_REQUIRED "), "{refused}");
    let letter = decision(&app, "5/UBND-KGVX", DocumentType::Cv, tn.id, "2025-07-01").await;
    let elsewhere = decision(
        &app,
        "6/QĐ-UBND",
        DocumentType::QdCtUbnd,
        fixture.outside.id,
        "2025-07-01",
    )
    .await;
    let late = decision(
        &app,
        "7/QĐ-UBND",
        DocumentType::QdCtUbnd,
        tn.id,
        "2025-08-02",
    )
    .await;
    for (code, doc) in [("R16-B", letter), ("R16-C", elsewhere), ("R16-D", late)] {
        let refused = try_issue(&app, with(code, Some(doc))).await.unwrap();
        assert!(
            refused.starts_with("INVALID_PUBLICATION "),
            "{code}: {refused}"
        );
    }
    let published = decision(
        &app,
        "8/QĐ-UBND",
        DocumentType::QdCtUbnd,
        tn.id,
        "2025-08-01",
    )
    .await;
    assert_eq!(try_issue(&app, with("R16-E", Some(published))).await, None);
    // A devolution records what the law gives: no publication needed.
    let mut devolution = with("R16-F", None);
    devolution.kind = MandateKind::Devolution;
    devolution.delegatees = vec![tn.commune];
    devolution.resources = Default::default();
    let outcome = try_issue(&app, devolution).await;
    assert!(
        !outcome.as_deref().unwrap_or("").starts_with("PUBLICATION"),
        "{outcome:?}"
    );
}

const COVERAGE: &str = "query($id: ID!, $on: Date) { coverage(within: $id, asOf: $on) {
  matters entries { matterCode status originalHolder originalHolderUnit { code } overlapping
    holders { delegatee { code } } lapsed { delegatee { code } } latest { code } }
  gaps { matterCode } lapsed { matterCode } overlaps { matterCode } } }";

fn entry<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["data"]["coverage"]["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .find(|e| e["matterCode"] == code)
        .unwrap_or_else(|| panic!("{code} in {body}"))
}

#[tokio::test]
async fn coverage_answers_for_every_catalogued_matter() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let tn = &fixture.inside;
    let root = app.token("root").await;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    for code in [
        "CV-HELD",
        "CV-NEVER",
        "CV-REVOKED",
        "CV-SCHEDULED",
        "CV-EXPIRED",
        "CV-LAPSED",
        "CV-OVER",
    ] {
        create(&app, matter(code)).await;
    }
    create(
        &app,
        MatterInput {
            holder: MatterHolder::UbndCommune,
            ..matter("CV-COMMUNE")
        },
    )
    .await;
    let input =
        |code: &str, matter: &str, to: Vec<Uuid>| mandate_input(code, matter, tn.id, to, basis);
    make_mandate(&app, input("M-HELD", "CV-HELD", vec![tn.department]), true).await;
    let revoked = make_mandate(
        &app,
        input("M-REVOKED", "CV-REVOKED", vec![tn.commune]),
        true,
    )
    .await;
    let revocation = document(&app, "2/2025/QĐ-UBND", true).await;
    mandates::revoke_mandate(
        app.db(),
        Authority::Cli,
        revoked.id,
        revocation,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    let mut scheduled = input("M-SCHEDULED", "CV-SCHEDULED", vec![tn.department]);
    scheduled.effective_from = "2026-06-01".parse().unwrap();
    make_mandate(&app, scheduled, true).await;
    let mut expired = input("M-EXPIRED", "CV-EXPIRED", vec![tn.department]);
    expired.kind = MandateKind::Authorization;
    expired.delegatee_capacity = entity::mandate::DelegatorCapacity::Head;
    expired.conditions = Some("Báo cáo hằng quý".into());
    expired.effective_to = Some("2025-12-31".parse().unwrap());
    make_mandate(&app, expired, true).await;
    let body_unit = app
        .body(tn.id, "19-BQL", "2025-07-01".parse().unwrap(), None)
        .await;
    make_mandate(&app, input("M-LAPSED", "CV-LAPSED", vec![body_unit]), true).await;
    phancap::units::admin::end_unit(
        app.db(),
        Authority::Cli,
        body_unit,
        "2025-12-31".parse().unwrap(),
    )
    .await
    .unwrap();
    // Two leads of one matter: the rules refuse it, so it is made by hand.
    make_mandate(
        &app,
        input("M-OVER-1", "CV-OVER", vec![tn.department]),
        true,
    )
    .await;
    let second = make_mandate(&app, input("M-OVER-2", "CV-HELD-2", vec![tn.commune]), true).await;
    app.db()
        .execute_raw(Statement::from_sql_and_values(
            app.db().get_database_backend(),
            match app.db().get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE mandate SET matter_code = $1 WHERE id = $2"
                }
                _ => "UPDATE mandate SET matter_code = ? WHERE id = ?",
            },
            ["CV-OVER".into(), second.id.into()],
        ))
        .await
        .unwrap();

    let on = |id: Uuid| json!({ "id": gid(NodeKind::Unit, id), "on": "2026-01-15" });
    let body = app.graphql_as(&root, COVERAGE, on(tn.id)).await;
    let status = |code: &str| entry(&body, code)["status"].as_str().unwrap().to_owned();
    assert_eq!(status("CV-HELD"), "DELEGATED", "{body}");
    assert_eq!(
        entry(&body, "CV-HELD")["holders"],
        json!([{ "delegatee": { "code": "19-SNV" } }])
    );
    assert_eq!(status("CV-NEVER"), "ORIGINAL");
    assert_eq!(entry(&body, "CV-NEVER")["originalHolder"], "UBND_PROVINCE");
    assert_eq!(
        entry(&body, "CV-NEVER")["originalHolderUnit"],
        json!({ "code": "19" })
    );
    assert_eq!(entry(&body, "CV-NEVER")["latest"], Value::Null);
    for back in ["CV-REVOKED", "CV-SCHEDULED", "CV-EXPIRED"] {
        assert_eq!(
            status(back),
            "ORIGINAL",
            "{back} returns to its holder: {body}"
        );
    }
    assert_eq!(entry(&body, "CV-REVOKED")["latest"]["code"], "M-REVOKED");
    assert_eq!(status("CV-LAPSED"), "LAPSED");
    assert_eq!(
        entry(&body, "CV-LAPSED")["lapsed"],
        json!([{ "delegatee": { "code": "19-BQL" } }])
    );
    assert_eq!(status("CV-COMMUNE"), "ORIGINAL");
    assert_eq!(entry(&body, "CV-COMMUNE")["originalHolder"], "UBND_COMMUNE");
    assert_eq!(
        entry(&body, "CV-COMMUNE")["originalHolderUnit"],
        Value::Null
    );
    assert_eq!(status("CV-OVER"), "DELEGATED");
    assert_eq!(entry(&body, "CV-OVER")["overlapping"], true);
    let coverage = &body["data"]["coverage"];
    assert_eq!(coverage["gaps"], json!([]), "{body}");
    assert_eq!(coverage["lapsed"], json!([{ "matterCode": "CV-LAPSED" }]));
    assert_eq!(coverage["overlaps"], json!([{ "matterCode": "CV-OVER" }]));

    // A department's subtree has no commune: a commune's power has no
    // holder there (a gap); the department holds what it was given.
    let body = app.graphql_as(&root, COVERAGE, on(tn.department)).await;
    assert_eq!(entry(&body, "CV-COMMUNE")["status"], "NO_HOLDER", "{body}");
    assert_eq!(
        body["data"]["coverage"]["gaps"],
        json!([{ "matterCode": "CV-COMMUNE" }])
    );
    assert_eq!(entry(&body, "CV-HELD")["status"], "DELEGATED");

    // Within a commune: the sở's mandate covers it, the commune holds its
    // own powers; a viewer over the commune alone does not see the revoked
    // mandate of the province, root does.
    let body = app.graphql_as(&root, COVERAGE, on(tn.commune)).await;
    assert_eq!(entry(&body, "CV-HELD")["status"], "DELEGATED", "{body}");
    assert_eq!(
        entry(&body, "CV-COMMUNE")["originalHolderUnit"],
        json!({ "code": "05482" })
    );
    assert_eq!(entry(&body, "CV-REVOKED")["latest"]["code"], "M-REVOKED");
    let viewer = app.viewer_over("commune.viewer", tn.commune).await;
    let body = app.graphql_as(&viewer, COVERAGE, on(tn.commune)).await;
    assert_eq!(entry(&body, "CV-REVOKED")["latest"], Value::Null, "{body}");
    assert_eq!(entry(&body, "CV-REVOKED")["status"], "ORIGINAL");
    // In force on the date, it is public.
    assert_eq!(entry(&body, "CV-HELD")["latest"]["code"], "M-HELD");
}

/// A database migrated up to the schema before the catalogue, and its
/// PostgreSQL schema (dropped by the caller).
async fn before_the_catalogue() -> (sea_orm::DatabaseConnection, Option<String>) {
    use phancap::db::{self, StatementCounter};
    let counter = StatementCounter::default();
    let (conn, schema) = match crate::helpers::pg_url() {
        Some(url) => {
            let schema = format!("t_{}", Uuid::now_v7().simple());
            let admin = db::connect(&url, None, &counter).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .unwrap();
            admin.close().await.ok();
            (
                db::connect(&url, Some(&schema), &counter).await.unwrap(),
                Some(schema),
            )
        }
        None => (
            db::connect("sqlite::memory:", None, &counter)
                .await
                .unwrap(),
            None,
        ),
    };
    Migrator::up(&conn, Some(6)).await.unwrap();
    (conn, schema)
}

#[tokio::test]
async fn the_migration_catalogues_the_matter_codes_mandates_had() {
    let (db, schema) = before_the_catalogue().await;
    let backend = db.get_database_backend();
    let unit = Uuid::now_v7();
    let pg = backend == sea_orm::DatabaseBackend::Postgres;
    let marks = |n: usize| -> String {
        (1..=n)
            .map(|i| if pg { format!("${i}") } else { "?".into() })
            .collect::<Vec<_>>()
            .join(", ")
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "INSERT INTO unit (id, code, name, search_name, kind, admin_type, parent_id, path, depth, valid_from, valid_to)
             VALUES ({}, '19', 'Tỉnh Thái Nguyên', 'tinh thai nguyen', 'PROVINCE', 'TINH', NULL, {}, 0, NULL, NULL)",
            marks(1),
            if pg { "$2" } else { "?" }
        ),
        [unit.into(), format!("/{unit}/").into()],
    ))
    .await
    .unwrap();
    // Two mandates of one old code (the earlier names the matter), one of
    // another, one of a code that breaks today's code syntax.
    for (i, (code, matter, title, sector)) in [
        ("M-2", "XD-1", "Tên sau", "XAY_DUNG"),
        ("M-1", "XD-1", "Cấp giấy phép xây dựng", "XAY_DUNG"),
        ("M-3", "TP", "Cấp phiếu lý lịch tư pháp", "TU_PHAP"),
        ("M-4", "A", "Việc A", "KHAC"),
    ]
    .into_iter()
    .enumerate()
    {
        let created = if code == "M-1" {
            "2025-01-01T00:00:00Z"
        } else {
            "2025-02-01T00:00:00Z"
        };
        let created: chrono::DateTime<chrono::Utc> = created.parse().unwrap();
        let _ = i;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO mandate (id, code, title, sector, matter_code, kind, delegator_unit_id, delegator_capacity,
                   effective_from, allow_onward, state, created_at)
                 VALUES ({}, 'DECENTRALIZATION', {}, 'COLLECTIVE', {}, FALSE, 'ISSUED', {})",
                marks(5),
                if pg { "$6" } else { "?" },
                if pg { "$7" } else { "?" },
                if pg { "$8" } else { "?" },
            ),
            [
                Uuid::now_v7().into(),
                code.into(),
                title.into(),
                sector.into(),
                matter.into(),
                unit.into(),
                chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().into(),
                created.into(),
            ],
        ))
        .await
        .unwrap();
    }
    Migrator::up(&db, None).await.unwrap();
    let mut found: Vec<(String, String, String, MatterHolder)> = entity::matter::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.code, m.name, format!("{:?}", m.sector), m.holder))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        vec![
            (
                "A".into(),
                "Việc A".into(),
                "Khac".into(),
                MatterHolder::UbndProvince
            ),
            (
                "TP".into(),
                "Cấp phiếu lý lịch tư pháp".into(),
                "TuPhap".into(),
                MatterHolder::UbndProvince
            ),
            (
                "XD-1".into(),
                "Cấp giấy phép xây dựng".into(),
                "XayDung".into(),
                MatterHolder::UbndProvince
            ),
        ]
    );
    // The reference holds: a mandate cannot name an uncatalogued matter,
    // and a named matter cannot change its code.
    let orphan = db
        .execute_unprepared("UPDATE mandate SET matter_code = 'NOWHERE' WHERE code = 'M-3'")
        .await;
    assert!(orphan.is_err(), "{orphan:?}");
    let renamed = db
        .execute_unprepared("UPDATE matter SET code = 'TP-2' WHERE code = 'TP'")
        .await;
    assert!(renamed.is_err(), "{renamed:?}");
    db.close().await.ok();
    if let Some(schema) = schema {
        crate::helpers::drop_pg_schema(&schema);
    }
}

#[tokio::test]
async fn the_catalogue_does_not_change_under_the_mandates_that_name_it() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    let import = |text: String| {
        let app = &app;
        let root = &root;
        async move {
            app.graphql_as(root, IMPORT, json!({ "input": { "csv": text } }))
                .await
        }
    };
    // An update that leaves optional columns out keeps what they held.
    let body = import(csv(&[
        "PC-KEEP,Việc,XAY_DUNG,Luật,UBND_PROVINCE,true,Điều 5,2.000229;2.000210,true",
    ]))
    .await;
    assert_eq!(body["data"]["importMatters"]["created"], 1, "{body}");
    let body = import(
        "code,name,sector,law,holder\nPC-KEEP,Việc mới,XAY_DUNG,Luật,UBND_PROVINCE\n".into(),
    )
    .await;
    assert_eq!(body["data"]["importMatters"]["updated"], 1, "{body}");
    let kept = matters::by_code(app.db(), "PC-KEEP")
        .await
        .unwrap()
        .unwrap();
    assert!(kept.non_delegable && kept.changes_procedure, "{kept:?}");
    assert_eq!(kept.non_delegable_basis.as_deref(), Some("Điều 5"));
    assert_eq!(kept.name, "Việc mới");
    // Codes differing in case are one code; booleans are true or false;
    // dates stay within 1900–2200.
    let before = app.snapshot().await;
    for (row, column, code) in [
        (
            "pc-keep,Việc,XAY_DUNG,Luật,UBND_PROVINCE,false,,,false",
            "code",
            "DUPLICATE_CODE",
        ),
        (
            "PC-YES,Việc,XAY_DUNG,Luật,UBND_PROVINCE,yes,,,false",
            "non_delegable",
            "MALFORMED_CSV",
        ),
    ] {
        let body = import(csv(&[row])).await;
        let error = &body["data"]["importMatters"]["lineErrors"][0];
        assert_eq!(
            (error["column"].as_str(), error["code"].as_str()),
            (Some(column), Some(code)),
            "{body}"
        );
    }
    let body = import(
        "code,name,sector,law,holder,valid_to\nPC-OLD,Việc,XAY_DUNG,Luật,UBND_PROVINCE,9999-12-31\n".into(),
    )
    .await;
    assert_eq!(
        body["data"]["importMatters"]["lineErrors"][0]["column"], "valid_to",
        "{body}"
    );
    assert_eq!(app.snapshot().await, before);
    let mut lower = matter("pc-keep");
    lower.name = "Khác".into();
    assert_eq!(
        rule_code(matters::create_matter(app.db(), Authority::Cli, lower).await),
        "DUPLICATE_CODE"
    );
    // Once a mandate in force names it, its holder cannot change.
    create(&app, matter("PC-USED")).await;
    let basis = document(&app, "40/2025/QĐ-UBND", true).await;
    let tn = &fixture.inside;
    make_mandate(
        &app,
        mandate_input("M-USED", "PC-USED", tn.id, vec![tn.department], basis),
        true,
    )
    .await;
    let body = app
        .graphql_as(
            &root,
            UPDATE,
            json!({ "input": { "code": "PC-USED", "holder": "CHAIR_COMMUNE" } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateMatter"]["userErrors"][0]["code"], "MATTER_IN_USE",
        "{body}"
    );
    let body = app
        .graphql_as(
            &root,
            UPDATE,
            json!({ "input": { "code": "PC-USED", "validFrom": "2027-01-01" } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateMatter"]["userErrors"][0]["code"], "MATTER_IN_USE",
        "{body}"
    );
    let body = import(csv(&[
        "PC-USED,Việc,XAY_DUNG,Luật,UBND_PROVINCE,true,Điều 9,,false",
    ]))
    .await;
    assert_eq!(
        body["data"]["importMatters"]["lineErrors"][0]["code"], "MATTER_IN_USE",
        "{body}"
    );
}
