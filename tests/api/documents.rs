//! Documents as records: type and normativity read from the number, each
//! mismatch refused with its code and nothing changed; subject, signer
//! title, recipients and links; the public list, its search (without
//! regard to case or diacritics, for mandates too) and `documentByNumber`.

use phancap::graphql::NodeKind;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Fixture, TestApp, gid, make_mandate, mandate_input, spawn_app, today};

const CREATE: &str = "mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
  document { id number type normative subject signerTitle signerCapacity recipients issuerName
    links { kind document { number } } linkedFrom { kind document { number } } }
  userErrors { field code message } } }";

struct Setup {
    app: TestApp,
    fixture: Fixture,
    root: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let root = app.token("root").await;
    Setup { app, fixture, root }
}

fn unit(id: Uuid) -> String {
    gid(NodeKind::Unit, id)
}

impl Setup {
    async fn create(&self, input: Value) -> Value {
        let body = self
            .app
            .graphql_as(&self.root, CREATE, json!({ "input": input }))
            .await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["createDocument"].clone()
    }

    /// Registers a document that must be accepted; returns its global id.
    async fn ok(&self, input: Value) -> Value {
        let payload = self.create(input).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        payload["document"].clone()
    }

    /// A decision of UBND tỉnh with the given number, date and subject.
    fn decision(&self, number: &str, issued: &str, subject: &str) -> Value {
        json!({ "number": number, "type": "QD_UBND", "subject": subject,
                "issuer": unit(self.fixture.inside.id), "issuedDate": issued })
    }

    async fn query(&self, query: &str, variables: Value) -> Value {
        let body = self.app.graphql_as(&self.root, query, variables).await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"].clone()
    }
}

#[tokio::test]
async fn every_document_rule_refuses_with_its_code_and_changes_nothing() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let earlier = s
        .ok(s.decision("15/2025/QĐ-UBND", "2025-03-01", "Quy định phân cấp"))
        .await;
    let later = s
        .ok(s.decision("20/2025/QĐ-UBND", "2025-09-01", "Quy định khác"))
        .await;
    let with = |patch: Value| {
        let mut input = s.decision("30/2025/QĐ-UBND", "2025-06-01", "Văn bản thử");
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        // Which sở: Sở Nội vụ does not sign Sở Tư pháp's decisions.
        (
            with(
                json!({ "number": "31/QĐ-STP", "type": "QD_SO", "issuer": gid(NodeKind::Unit, tn.department) }),
            ),
            "issuer",
            "NUMBER_ISSUER_MISMATCH",
        ),
        // Luật 80/2015 Điều 12: an individual decision does not repeal a
        // VBQPPL.
        (
            with(
                json!({ "number": "33/QĐ-UBND", "links": [{ "document": earlier["id"], "kind": "REPEALS" }] }),
            ),
            "links",
            "LINK_NOT_ALLOWED",
        ),
        // A document is registered once issued.
        (
            with(
                json!({ "number": "32/QĐ-UBND", "issuedDate": (today() + chrono::Days::new(3)).to_string() }),
            ),
            "issuedDate",
            "INVALID_DATE",
        ),
        (
            with(json!({ "number": "QĐ-UBND 30" })),
            "number",
            "MALFORMED_NUMBER",
        ),
        (
            with(json!({ "number": "30/2025" })),
            "number",
            "MALFORMED_NUMBER",
        ),
        // R3: a plan or a công văn is not a decision.
        (
            with(json!({ "number": "89/KH-UBND" })),
            "number",
            "NUMBER_TYPE_MISMATCH",
        ),
        (
            with(json!({ "number": "1785/UBND-NC" })),
            "number",
            "NUMBER_TYPE_MISMATCH",
        ),
        (
            json!({ "number": "06/NĐ-CP", "type": "ND", "subject": "Nghị định", "issuerName": "Chính phủ", "issuedDate": "2025-06-01" }),
            "number",
            "NUMBER_YEAR_REQUIRED",
        ),
        (
            with(json!({ "number": "89/2025/KH-UBND", "type": "KH" })),
            "number",
            "NUMBER_YEAR_NOT_ALLOWED",
        ),
        (
            with(json!({ "number": "1785/2025/UBND-NC", "type": "CV" })),
            "number",
            "NUMBER_YEAR_NOT_ALLOWED",
        ),
        (
            with(json!({ "number": "30/2024/QĐ-UBND" })),
            "number",
            "NUMBER_YEAR_MISMATCH",
        ),
        (
            with(json!({ "issuer": unit(tn.department) })),
            "issuer",
            "NUMBER_ISSUER_MISMATCH",
        ),
        (
            with(json!({ "number": "45/BC-SNV", "type": "BC" })),
            "issuer",
            "NUMBER_ISSUER_MISMATCH",
        ),
        (
            with(json!({ "number": "72/2025/QH15", "type": "LUAT" })),
            "issuer",
            "NUMBER_ISSUER_MISMATCH",
        ),
        (
            with(
                json!({ "signerTitle": "TM. ỦY BAN NHÂN DÂN – CHỦ TỊCH", "signerCapacity": "KT" }),
            ),
            "signerCapacity",
            "SIGNER_CAPACITY_MISMATCH",
        ),
        (
            with(json!({ "signerTitle": "CHỦ TỊCH", "signerCapacity": "KT" })),
            "signerCapacity",
            "SIGNER_CAPACITY_MISMATCH",
        ),
        (with(json!({ "subject": "  " })), "subject", "INVALID_TEXT"),
        (
            with(json!({ "recipients": ["Sở Nội vụ", " "] })),
            "recipients",
            "INVALID_TEXT",
        ),
        (
            with(
                json!({ "links": [{ "document": gid(NodeKind::Document, Uuid::now_v7()), "kind": "IMPLEMENTS" }] }),
            ),
            "links",
            "UNKNOWN_DOCUMENT",
        ),
        (
            with(json!({ "links": [{ "document": later["id"], "kind": "AMENDS" }] })),
            "links",
            "LINK_DATE_ORDER",
        ),
        (
            with(json!({ "links": [{ "document": later["id"], "kind": "RESPONDS_TO" }] })),
            "links",
            "LINK_DATE_ORDER",
        ),
        (
            with(
                json!({ "links": [{ "document": earlier["id"], "kind": "AMENDS" }, { "document": earlier["id"], "kind": "AMENDS" }] }),
            ),
            "links",
            "DUPLICATE_LINK",
        ),
        // "QD" typed for "QĐ" is the same number.
        (
            with(json!({ "number": "15/2025/QD-UBND", "issuedDate": "2025-03-01" })),
            "number",
            "DUPLICATE_DOCUMENT",
        ),
    ];
    for (input, field, code) in cases {
        let before = s.app.snapshot().await;
        let payload = s.create(input.clone()).await;
        assert!(payload["document"].is_null(), "{input}: {payload}");
        assert_eq!(payload["userErrors"][0]["code"], code, "{input}: {payload}");
        assert_eq!(
            payload["userErrors"][0]["field"], field,
            "{input}: {payload}"
        );
        assert_eq!(s.app.snapshot().await, before, "{code} changed something");
    }
}

#[tokio::test]
async fn normativity_is_read_from_the_number_not_taken_from_the_caller() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let normative = s
        .ok(s.decision(
            "15/2025/QĐ-UBND",
            "2025-07-20",
            "Ban hành Quy định phân cấp",
        ))
        .await;
    assert_eq!(normative["normative"], true);
    let individual = s
        .ok(s.decision("902/QĐ-UBND", "2025-08-15", "Về việc ủy quyền"))
        .await;
    assert_eq!(individual["normative"], false);
    let letter = s
        .ok(json!({ "number": "1785/UBND-NC", "type": "CV", "subject": "V/v tiếp tục tăng cường phân cấp",
                    "issuer": unit(tn.id), "issuedDate": "2024-04-11" }))
        .await;
    assert_eq!(letter["normative"], false);
    let law = s
        .ok(json!({ "number": "72/2025/QH15", "type": "LUAT", "subject": "Luật Tổ chức chính quyền địa phương",
                    "issuerName": "Quốc hội", "issuedDate": "2025-06-16" }))
        .await;
    assert_eq!(law["normative"], true);
    // The caller can no longer say.
    let body = s
        .app
        .graphql_as(
            &s.root,
            CREATE,
            json!({ "input": { "number": "16/UBND-NC", "type": "CV", "subject": "Thử", "normative": true,
                               "issuer": unit(tn.id), "issuedDate": "2025-01-01" } }),
        )
        .await;
    assert!(!body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn a_document_records_subject_signer_title_recipients_and_links() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let proposal = s
        .ok(
            json!({ "number": "112/TTr-SNV", "type": "TTR", "subject": "Đề nghị ban hành Kế hoạch",
                    "issuer": unit(tn.department), "issuedDate": "2025-03-31" }),
        )
        .await;
    let plan = s
        .ok(json!({
            "number": "89/KH-UBND", "type": "KH",
            "subject": "Triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp",
            "issuer": unit(tn.id), "issuedDate": "2025-04-09",
            "signer": "Nguyễn Huy Dũng", "signerTitle": "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
            "recipients": ["Các sở, ban, ngành", "UBND các huyện, thành phố", "Lưu: VT, NC"],
            "links": [{ "document": proposal["id"], "kind": "RESPONDS_TO" }],
        }))
        .await;
    assert_eq!(
        plan["subject"],
        "Triển khai các nhiệm vụ, giải pháp về đẩy mạnh phân quyền, phân cấp"
    );
    assert_eq!(plan["signerTitle"], "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH");
    // The capacity is read from the title's prefix.
    assert_eq!(plan["signerCapacity"], "KT");
    assert_eq!(
        plan["recipients"],
        json!([
            "Các sở, ban, ngành",
            "UBND các huyện, thành phố",
            "Lưu: VT, NC"
        ])
    );
    assert_eq!(
        plan["links"],
        json!([{ "kind": "RESPONDS_TO", "document": { "number": "112/TTr-SNV" } }])
    );
    let amending = s
        .ok(
            json!({ "number": "95/KH-UBND", "type": "KH", "subject": "Sửa đổi Kế hoạch 89",
                    "issuer": unit(tn.id), "issuedDate": "2025-04-09", "signerTitle": "CHỦ TỊCH",
                    "links": [{ "document": plan["id"], "kind": "AMENDS" }] }),
        )
        .await;
    assert!(amending["signerCapacity"].is_null());
    let data = s
        .query(
            "query($id: ID!) { node(id: $id) { ... on Document { linkedFrom { kind document { number } } } } }",
            json!({ "id": plan["id"] }),
        )
        .await;
    assert_eq!(
        data["node"]["linkedFrom"],
        json!([{ "kind": "AMENDS", "document": { "number": "95/KH-UBND" } }])
    );
    let data = s
        .query(
            "query($id: ID!) { node(id: $id) { ... on Document { linkedFrom { kind document { number } } } } }",
            json!({ "id": proposal["id"] }),
        )
        .await;
    assert_eq!(
        data["node"]["linkedFrom"],
        json!([{ "kind": "RESPONDS_TO", "document": { "number": "89/KH-UBND" } }])
    );
    let links = entity::document_link::Entity::find().all(s.app.db()).await;
    assert_eq!(links.unwrap().len(), 2);
}

const LIST: &str = "query($f: DocumentFilter, $first: Int, $after: String) {
  documents(filter: $f, first: $first, after: $after) {
    totalCount nodes { number } pageInfo { hasNextPage endCursor } } }";

fn numbers(data: &Value) -> Vec<String> {
    data["documents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn documents_are_searched_without_regard_to_case_or_diacritics() {
    let s = setup().await;
    s.ok(s.decision(
        "15/2025/QĐ-UBND",
        "2025-07-20",
        "Ban hành Quy định phân cấp cấp Giấy phép xây dựng",
    ))
    .await;
    s.ok(s.decision(
        "902/QĐ-UBND",
        "2025-08-15",
        "Về việc ủy quyền thẩm định đề án",
    ))
    .await;
    for search in [
        "giay phep",
        "GIẤY PHÉP",
        "Giấy  phép",
        "GIAY PHEP XAY DUNG",
        "15/2025/qd",
    ] {
        let data = s.query(LIST, json!({ "f": { "search": search } })).await;
        assert_eq!(numbers(&data), ["15/2025/QĐ-UBND"], "{search}");
    }
    // The issuer's name is searched too ("Tỉnh Thái Nguyên").
    let data = s
        .query(LIST, json!({ "f": { "search": "thai nguyen" } }))
        .await;
    assert_eq!(data["documents"]["totalCount"], 2, "{data}");
    let data = s
        .query(LIST, json!({ "f": { "search": "ỦY QUYỀN" } }))
        .await;
    assert_eq!(numbers(&data), ["902/QĐ-UBND"]);
    // LIKE wildcards are literal.
    let data = s.query(LIST, json!({ "f": { "search": "%" } })).await;
    assert_eq!(data["documents"]["totalCount"], 0);
}

#[tokio::test]
async fn mandates_are_searched_without_regard_to_case_or_diacritics_and_edits_are_seen() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    let basis = crate::helpers::document(&s.app, "1/2025/QĐ-UBND", true).await;
    let mut input = mandate_input(
        "19-PC-XD-01",
        "XD-GIAY-PHEP",
        tn.id,
        vec![tn.department],
        basis,
    );
    input.title = "Cấp giấy phép xây dựng công trình cấp III".into();
    let draft = make_mandate(&s.app, input, false).await;
    let mut other = mandate_input(
        "19-PC-TP-01",
        "TP-CONG-CHUNG",
        tn.id,
        vec![tn.department],
        basis,
    );
    other.title = "Cho phép thành lập văn phòng công chứng".into();
    make_mandate(&s.app, other, false).await;
    let list = "query($s: String!) { mandates(first: 50, filter: { search: $s }) { totalCount nodes { code } } }";
    for search in [
        "giay phep",
        "GIẤY PHÉP",
        "Giấy Phép",
        "xd-giay",
        "19-pc-xd",
        "CÔNG TRÌNH",
    ] {
        let data = s.query(list, json!({ "s": search })).await;
        assert_eq!(
            data["mandates"]["nodes"],
            json!([{ "code": "19-PC-XD-01" }]),
            "{search}"
        );
    }
    let data = s.query(list, json!({ "s": "cong chung" })).await;
    assert_eq!(
        data["mandates"]["nodes"],
        json!([{ "code": "19-PC-TP-01" }])
    );
    // An edit of the title is searched at once.
    let update = "mutation($input: UpdateDraftMandateInput!) { updateDraftMandate(input: $input) { userErrors { code } } }";
    let data = s
        .query(
            update,
            json!({ "input": { "id": gid(NodeKind::Mandate, draft.id), "title": "Cấp phép khai thác khoáng sản" } }),
        )
        .await;
    assert_eq!(data["updateDraftMandate"]["userErrors"], json!([]));
    let data = s.query(list, json!({ "s": "giay phep" })).await;
    assert_eq!(data["mandates"]["totalCount"], 0);
    let data = s.query(list, json!({ "s": "khoang san" })).await;
    assert_eq!(
        data["mandates"]["nodes"],
        json!([{ "code": "19-PC-XD-01" }])
    );
}

#[tokio::test]
async fn a_document_is_found_by_its_number_however_typed() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    s.ok(s.decision("15/2025/QĐ-UBND", "2025-07-20", "Quy định phân cấp"))
        .await;
    let by = "query($n: String!, $i: ID) { documentByNumber(number: $n, issuer: $i) { number subject } }";
    for typed in ["15/2025/QĐ-UBND", "15/2025/QD-UBND", "15 / 2025 / qđ-ubnd"] {
        let data = s.query(by, json!({ "n": typed })).await;
        assert_eq!(
            data["documentByNumber"]["number"], "15/2025/QĐ-UBND",
            "{typed}"
        );
    }
    let data = s.query(by, json!({ "n": "16/2025/QĐ-UBND" })).await;
    assert!(data["documentByNumber"].is_null());
    // The same number from a commune: name the issuer to choose.
    s.ok(
        json!({ "number": "15/2025/QĐ-UBND", "type": "QD_UBND", "subject": "Quy định của xã",
                 "issuer": unit(tn.commune), "issuedDate": "2025-08-01" }),
    )
    .await;
    let data = s
        .query(by, json!({ "n": "15/2025/QĐ-UBND", "i": unit(tn.commune) }))
        .await;
    assert_eq!(data["documentByNumber"]["subject"], "Quy định của xã");
    let body = s
        .app
        .graphql_as(&s.root, by, json!({ "n": "15/2025/QĐ-UBND" }))
        .await;
    assert_eq!(
        crate::helpers::error_code(&body),
        "BAD_USER_INPUT",
        "{body}"
    );
    // Documents are public: no sign-in needed.
    let body = s
        .app
        .graphql(by, json!({ "n": "15/2025/QD-UBND", "i": unit(tn.id) }))
        .await;
    assert_eq!(
        body["data"]["documentByNumber"]["subject"],
        "Quy định phân cấp"
    );
}

#[tokio::test]
async fn documents_are_paged_and_filtered_with_a_total_count() {
    let s = setup().await;
    let tn = &s.fixture.inside;
    for (number, issued) in [
        ("11/2025/QĐ-UBND", "2025-01-10"),
        ("12/2025/QĐ-UBND", "2025-02-10"),
        ("13/QĐ-UBND", "2025-03-10"),
        ("14/2024/QĐ-UBND", "2024-04-10"),
        ("15/QĐ-UBND", "2024-05-10"),
    ] {
        s.ok(s.decision(number, issued, "Quyết định")).await;
    }
    s.ok(
        json!({ "number": "45/BC-SNV", "type": "BC", "subject": "Báo cáo",
                 "issuer": unit(tn.department), "issuedDate": "2025-06-01" }),
    )
    .await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = s
            .query(
                LIST,
                json!({ "f": { "type": "QD_UBND" }, "first": 2, "after": after }),
            )
            .await;
        assert_eq!(data["documents"]["totalCount"], 5);
        seen.extend(numbers(&data));
        if data["documents"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["documents"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(
        seen,
        [
            "11/2025/QĐ-UBND",
            "12/2025/QĐ-UBND",
            "13/QĐ-UBND",
            "14/2024/QĐ-UBND",
            "15/QĐ-UBND"
        ]
    );
    let data = s.query(LIST, json!({ "f": { "year": 2024 } })).await;
    assert_eq!(numbers(&data), ["14/2024/QĐ-UBND", "15/QĐ-UBND"]);
    let data = s
        .query(LIST, json!({ "f": { "issuer": unit(tn.department) } }))
        .await;
    assert_eq!(numbers(&data), ["45/BC-SNV"]);
    let data = s
        .query(LIST, json!({ "f": { "number": "13/QD-UBND" } }))
        .await;
    assert_eq!(numbers(&data), ["13/QĐ-UBND"]);
    let data = s
        .query(LIST, json!({ "f": { "type": "BC", "year": 2025 } }))
        .await;
    assert_eq!(data["documents"]["totalCount"], 1);
    // Public: an anonymous caller reads the list too.
    let body = s.app.graphql(LIST, json!({ "first": 1 })).await;
    assert_eq!(body["data"]["documents"]["totalCount"], 6, "{body}");
}

#[tokio::test]
async fn the_demo_registers_the_seed_documents_with_their_links() {
    let app = crate::helpers::national();
    let by = "query($n: String!) { documentByNumber(number: $n) {
      type normative subject signerTitle signerCapacity recipients
      links { kind document { number } } linkedFrom { kind document { number } } } }";
    let read = |number: &'static str| async move {
        let body = app.graphql(by, json!({ "n": number })).await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["documentByNumber"].clone()
    };
    let letter = read("1785/UBND-NC").await;
    assert_eq!(letter["type"], "CV");
    assert_eq!(letter["normative"], false);
    assert_eq!(letter["signerCapacity"], "KT");
    assert_eq!(letter["recipients"][0], "Các sở, ban, ngành thuộc tỉnh");
    assert_eq!(
        letter["links"],
        json!([{ "kind": "RESPONDS_TO", "document": { "number": "243/TTr-SNV" } }])
    );
    let plan = read("89/KH-UBND").await;
    assert_eq!(plan["normative"], false);
    assert!(plan["signerCapacity"].is_null(), "{plan}");
    assert_eq!(plan["links"].as_array().unwrap().len(), 2, "{plan}");
    let report = read("269/BC-SNV").await;
    assert_eq!(
        report["linkedFrom"],
        json!([{ "kind": "RESPONDS_TO", "document": { "number": "6085/UBND-TTPVHCC" } }])
    );
    assert_eq!(read("511/KH-UBND").await["type"], "KH");
    for (number, normative) in [
        ("72/2025/QH15", true),
        ("901/2025/QĐ-UBND", true),
        ("902/QĐ-UBND", false),
        ("903/2022/QĐ-UBND", true),
        ("904/2025/QĐ-UBND", true),
    ] {
        let doc = read(number).await;
        assert_eq!(doc["normative"], normative, "{number}: {doc}");
        assert!(!doc["subject"].as_str().unwrap().is_empty(), "{number}");
    }
    // The demo's mandates in force are public and found without diacritics.
    let body = app
        .graphql(
            "{ mandates(first: 50, filter: { search: \"giay phep xay dung\" }) { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["mandates"]["nodes"],
        json!([{ "code": "19-PC-XD-01" }, { "code": "19-PC-XD-02" }]),
        "{body}"
    );
}

#[tokio::test]
async fn the_migration_folds_the_documents_and_mandates_it_finds() {
    use migration::{Migrator, MigratorTrait};
    let s = setup().await;
    let tn = &s.fixture.inside;
    let basis = crate::helpers::document(&s.app, "1/2025/QĐ-UBND", true).await;
    let mut input = mandate_input("19-PC-XD-01", "XD-GP", tn.id, vec![tn.department], basis);
    input.title = "Cấp giấy phép xây dựng".into();
    make_mandate(&s.app, input, false).await;
    // Back to before the search columns existed (whatever came after),
    // then forward again: the rows already there are folded.
    let db = s.app.db();
    let after = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261130_000007_document_records")
        .unwrap();
    Migrator::down(db, Some(after as u32 + 1)).await.unwrap();
    Migrator::up(db, None).await.unwrap();
    let doc = entity::document::Entity::find_by_id(basis)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.number_key, "1/2025/qd-ubnd");
    assert_eq!(doc.search_text, "1/2025/qd-ubnd tinh thai nguyen");
    assert_eq!(doc.subject, "");
    let data = s
        .query(
            "{ mandates(filter: { search: \"GIAY PHEP\" }) { nodes { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["mandates"]["nodes"],
        json!([{ "code": "19-PC-XD-01" }])
    );
    let data = s
        .query(
            "{ documentByNumber(number: \"1/2025/QD-UBND\") { number } }",
            json!({}),
        )
        .await;
    assert_eq!(data["documentByNumber"]["number"], "1/2025/QĐ-UBND");
}

#[tokio::test]
async fn a_list_of_documents_reads_their_links_in_a_statement_per_level() {
    let s = setup().await;
    let mut previous = s
        .ok(s.decision("100/QĐ-UBND", "2025-01-01", "Quyết định gốc"))
        .await;
    for n in 101..121 {
        let mut input = s.decision(&format!("{n}/QĐ-UBND"), "2025-02-01", "Sửa đổi");
        input["links"] = json!([{ "document": previous["id"], "kind": "AMENDS" }]);
        previous = s.ok(input).await;
    }
    let before = s.app.statements.get();
    let data = s
        .query(
            "{ documents(first: 100) { nodes { number
                 links { kind document { number } } linkedFrom { kind document { number } } } } }",
            json!({}),
        )
        .await;
    let statements = s.app.statements.get() - before;
    let nodes = data["documents"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 21);
    assert_eq!(
        nodes[1]["links"],
        json!([{ "kind": "AMENDS", "document": { "number": "100/QĐ-UBND" } }])
    );
    assert_eq!(
        nodes[1]["linkedFrom"],
        json!([{ "kind": "AMENDS", "document": { "number": "102/QĐ-UBND" } }])
    );
    // The page, the links, the linked documents (and the sign-in): a
    // per-row cost would be dozens.
    assert!(statements <= 8, "{statements} statements");
}
