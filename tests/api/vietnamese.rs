//! Vietnamese for the people who read phancap: lists ordered by name as
//! the Vietnamese alphabet orders them (the same on SQLite and
//! PostgreSQL), messages in Vietnamese unless English is asked for, times
//! on Vietnam's clock, and a label for every enum value.

use chrono::{Duration, NaiveDateTime, Utc};
use entity::document::DocumentType;
use entity::role_grant::Role;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, demo_token, document, document_about, error_code, make_mandate, mandate_input,
    national, role_user, spawn_app,
};

/// The 92 communes and wards of Thái Nguyên from 1 July 2025 by their
/// proper names, put in order by hand by the rules of the Vietnamese
/// alphabet: a < ă < â, d < đ, o < ô < ơ, u < ư; syllable by syllable;
/// a syllable's tone (không dấu, huyền, hỏi, ngã, sắc, nặng) before the
/// next syllable counts. Worked through where it matters:
/// * Ba < Bá (tone) < Bách < Bạch (tone) < Bắc (ă) < Bằng (c < n);
/// * Cao (a) < Cẩm (â) < Chợ (â < h) < Côn (h < ô) < Cường (ô < ư);
/// * D < Đ; Điềm < Định (ê < n);
/// * Na < Nà (tone) < Nam; Ngân (â < h) < Nghĩa (a) < Nghiên (ê) < Nghinh;
/// * Phan < Phong < Phổ < Phủ < Phú (hỏi before sắc) < Phúc < Phượng;
/// * Quan < Quang < Quảng (tone) < Quân (a < â) < Quyết;
/// * Thanh < Thành (tone) < Thần (a < â) < Thượng; Trại < Tràng (i < n)
///   < Trần < Trung;
/// * Vạn (a) < Văn (ă) < Vĩnh < Võ (o) < Vô (ô); Văn Lang < Văn Lăng.
const THAI_NGUYEN_BY_NAME: [&str; 92] = [
    "An Khánh",
    "Ba Bể",
    "Bá Xuyên",
    "Bách Quang",
    "Bạch Thông",
    "Bắc Kạn",
    "Bằng Thành",
    "Bằng Vân",
    "Bình Thành",
    "Bình Yên",
    "Cao Minh",
    "Cẩm Giàng",
    "Chợ Đồn",
    "Chợ Mới",
    "Chợ Rã",
    "Côn Minh",
    "Cường Lợi",
    "Dân Tiến",
    "Đại Phúc",
    "Đại Từ",
    "Điềm Thụy",
    "Định Hóa",
    "Đồng Hỷ",
    "Đồng Phúc",
    "Đức Lương",
    "Đức Xuân",
    "Gia Sàng",
    "Hiệp Lực",
    "Hợp Thành",
    "Kha Sơn",
    "Kim Phượng",
    "La Bằng",
    "La Hiên",
    "Lam Vỹ",
    "Linh Sơn",
    "Na Rì",
    "Nà Phặc",
    "Nam Cường",
    "Nam Hòa",
    "Ngân Sơn",
    "Nghĩa Tá",
    "Nghiên Loan",
    "Nghinh Tường",
    "Phan Đình Phùng",
    "Phong Quang",
    "Phổ Yên",
    "Phủ Thông",
    "Phú Bình",
    "Phú Đình",
    "Phú Lạc",
    "Phú Lương",
    "Phú Thịnh",
    "Phú Xuyên",
    "Phúc Lộc",
    "Phúc Thuận",
    "Phượng Tiến",
    "Quan Triều",
    "Quang Sơn",
    "Quảng Bạch",
    "Quân Chu",
    "Quyết Thắng",
    "Sảng Mộc",
    "Sông Công",
    "Tân Cương",
    "Tân Khánh",
    "Tân Kỳ",
    "Tân Thành",
    "Thanh Mai",
    "Thanh Thịnh",
    "Thành Công",
    "Thần Sa",
    "Thượng Minh",
    "Thượng Quan",
    "Tích Lương",
    "Trại Cau",
    "Tràng Xá",
    "Trần Phú",
    "Trung Hội",
    "Trung Thành",
    "Vạn Phú",
    "Vạn Xuân",
    "Văn Hán",
    "Văn Lang",
    "Văn Lăng",
    "Vĩnh Thông",
    "Võ Nhai",
    "Vô Tranh",
    "Xuân Dương",
    "Yên Bình",
    "Yên Phong",
    "Yên Thịnh",
    "Yên Trạch",
];

/// A unit's proper name: its name without the type word before it.
fn proper(name: &str) -> &str {
    ["Xã ", "Phường ", "Thị trấn "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
}

const COMMUNES: &str = "query($parent: ID, $first: Int, $after: String, $last: Int, $before: String, $order: ListOrder) {
  units(parent: $parent, kind: COMMUNE, asOf: \"2025-07-01\", first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

/// The same list read as the province's children (paged in memory, not
/// in SQL).
const CHILDREN: &str = "query($parent: ID!, $first: Int, $after: String, $last: Int, $before: String, $order: ListOrder) {
  node(id: $parent) { ... on Unit { children(kind: COMMUNE, first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } }
}";

/// One page of Thái Nguyên's communes: their proper names and the page.
async fn communes(vars: Value) -> (Vec<String>, Value) {
    list_page(COMMUNES, vars).await
}

/// One page of `query` (`units` or a unit's `children`).
async fn list_page(query: &str, vars: Value) -> (Vec<String>, Value) {
    let body = national().graphql(query, vars).await;
    let units = if query == CHILDREN {
        &body["data"]["node"]["children"]
    } else {
        &body["data"]["units"]
    };
    let names = units["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| proper(e["node"]["name"].as_str().unwrap()).to_owned())
        .collect();
    (names, units.clone())
}

async fn thai_nguyen() -> String {
    let body = national()
        .graphql(
            "{ unitByCode(code: \"19\", asOf: \"2025-07-01\") { id } }",
            json!({}),
        )
        .await;
    body["data"]["unitByCode"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_communes_of_thai_nguyen_sort_by_the_vietnamese_alphabet() {
    let parent = thai_nguyen().await;
    let by_name = json!({ "field": "NAME" });
    let (all, _) = communes(json!({ "parent": parent, "first": 100, "order": by_name })).await;
    assert_eq!(all, THAI_NGUYEN_BY_NAME);

    // Descending is the same list backwards.
    let down = json!({ "field": "NAME", "direction": "DESC" });
    let (desc, _) = communes(json!({ "parent": parent, "first": 100, "order": down })).await;
    let mut reversed = THAI_NGUYEN_BY_NAME.to_vec();
    reversed.reverse();
    assert_eq!(desc, reversed);

    // Paged forward by 10, and backward by 7 from the end: every name
    // once, in order (the cursors are keyed by the name), whether the
    // database or the server pages (a unit's children).
    let orders = [(&by_name, THAI_NGUYEN_BY_NAME.to_vec()), (&down, reversed)];
    for ((order, expected), query) in orders
        .iter()
        .flat_map(|o| [(o.clone(), COMMUNES), (o.clone(), CHILDREN)])
    {
        let mut forward = Vec::new();
        let mut after = Value::Null;
        loop {
            let vars = json!({ "parent": parent, "first": 10, "after": after, "order": order });
            let (names, page) = list_page(query, vars).await;
            forward.extend(names);
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(forward, expected, "{query}");
        let mut backward: Vec<String> = Vec::new();
        let mut before = Value::Null;
        loop {
            let vars = json!({ "parent": parent, "last": 7, "before": before, "order": order });
            let (names, page) = list_page(query, vars).await;
            backward.splice(0..0, names);
            if page["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(backward, expected, "{query}");
    }

    // The province's children read the same way.
    let body = national()
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Unit { children(kind: COMMUNE, first: 100, orderBy: {field: NAME}) { edges { node { name } } } } } }",
            json!({ "id": parent }),
        )
        .await;
    let children: Vec<&str> = body["data"]["node"]["children"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| proper(e["node"]["name"].as_str().unwrap()))
        .collect();
    assert_eq!(children, THAI_NGUYEN_BY_NAME);

    // By code (the default) the order is another one, and its cursors do
    // not page a list by name.
    let (by_code, page) = communes(json!({ "parent": parent, "first": 5 })).await;
    assert_ne!(by_code, THAI_NGUYEN_BY_NAME[..5]);
    let body = national()
        .graphql(
            COMMUNES,
            json!({ "parent": parent, "first": 5, "after": page["pageInfo"]["endCursor"], "order": by_name }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let (_, named) = communes(json!({ "parent": parent, "first": 5, "order": by_name })).await;
    let body = national()
        .graphql(
            COMMUNES,
            json!({ "parent": parent, "first": 5, "after": named["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn reports_order_by_their_reporters_names() {
    let app = national();
    let token = demo_token(app, "coordinator.snv").await;
    let query = "query($order: ListOrder, $after: String) { reports(first: 100, after: $after, orderBy: $order, filter: {compiled: false}) {
        edges { node { reporter { name kind } } } pageInfo { hasNextPage endCursor } } }";
    let read = |order: Value| {
        let token = token.clone();
        async move {
            let mut names = Vec::new();
            let mut after = Value::Null;
            loop {
                let body = app
                    .graphql_as(&token, query, json!({ "order": order, "after": after }))
                    .await;
                let reports = &body["data"]["reports"];
                for e in reports["edges"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{body}"))
                {
                    names.push((
                        e["node"]["reporter"]["name"].as_str().unwrap().to_owned(),
                        e["node"]["reporter"]["kind"] == "COMMUNE",
                    ));
                }
                if reports["pageInfo"]["hasNextPage"] != true {
                    return names;
                }
                after = reports["pageInfo"]["endCursor"].clone();
            }
        }
    };
    let up = read(json!({ "field": "NAME" })).await;
    let down = read(json!({ "field": "NAME", "direction": "DESC" })).await;
    let by_code = read(Value::Null).await;
    assert!(
        up.len() > 40,
        "the demo's reports of two quarters: {}",
        up.len()
    );
    // The same reports, each order its own.
    let mut sorted_up = up.clone();
    sorted_up.sort();
    let mut sorted_code = by_code.clone();
    sorted_code.sort();
    assert_eq!(sorted_up, sorted_code);
    assert_ne!(up, by_code);
    // Descending is ascending backwards, but for reports of one reporter
    // (several periods), which follow their ids both ways.
    let names = |v: &[(String, bool)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let mut reversed = names(&down);
    reversed.reverse();
    assert_eq!(names(&up), reversed);
    // The communes come in the hand-made order.
    let position = |name: &str| {
        THAI_NGUYEN_BY_NAME
            .iter()
            .position(|n| *n == proper(name))
            .unwrap_or_else(|| panic!("{name} is a commune of Thái Nguyên"))
    };
    let communes: Vec<usize> = up
        .iter()
        .filter(|(_, commune)| *commune)
        .map(|(n, _)| position(n))
        .collect();
    assert!(communes.len() > 10, "{communes:?}");
    assert!(
        communes.windows(2).all(|w| w[0] <= w[1]),
        "{:?}",
        names(&up)
    );
}

/// Texts put in Vietnamese order by hand: Cấp (â) before Chấp (h); Đăng
/// ký đất (đ) before Đăng ký kinh (k); Quan before Quản (tone) whatever
/// follows; Ủy (u) before Về; Về phân before Về việc.
const TITLES_BY_NAME: [&str; 9] = [
    "Cấp giấy phép môi trường",
    "Cấp giấy phép xây dựng",
    "Chấp thuận chủ trương đầu tư",
    "Đăng ký đất đai lần đầu",
    "Đăng ký kinh doanh hộ",
    "Giao đất, cho thuê đất",
    "Quan trắc môi trường",
    "Quản lý chợ",
    "Ủy quyền cấp giấy phép xây dựng",
];

/// The `field` of each node of `list` in `body`, those in `among` only.
fn texts(body: &Value, list: &str, field: &str, among: &[&str]) -> Vec<String> {
    body["data"][list]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|n| n[field].as_str())
        .filter(|t| among.contains(t))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn mandates_and_documents_order_by_title_and_subject() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let tn = &fixture.inside;
    let basis = document(&app, "1/2025/QĐ-UBND", true).await;
    // Made in an order that is neither the alphabetical nor its reverse.
    let mut shuffled = TITLES_BY_NAME.to_vec();
    shuffled.rotate_left(4);
    shuffled.swap(0, 6);
    for (i, title) in shuffled.iter().enumerate() {
        let code = format!("VN-{i}");
        let mut input = mandate_input(&code, &format!("VN{i}"), tn.id, vec![tn.department], basis);
        input.title = (*title).to_owned();
        make_mandate(&app, input, true).await;
        document_about(
            &app,
            &format!("{}/UBND-NC", 100 + i),
            DocumentType::Cv,
            Some(tn.id),
            "2025-01-01",
            title,
        )
        .await;
    }
    let token = app.token(&role_user(Role::Viewer)).await;
    let mut expected = TITLES_BY_NAME.to_vec();
    for direction in ["ASC", "DESC"] {
        let order = json!({ "field": "NAME", "direction": direction });
        let body = app
            .graphql_as(
                &token,
                "query($o: ListOrder) { mandates(first: 100, orderBy: $o) { nodes { title } } }",
                json!({ "o": order }),
            )
            .await;
        assert_eq!(texts(&body, "mandates", "title", &expected), expected);
        let body = app
            .graphql(
                "query($o: ListOrder) { documents(first: 100, orderBy: $o) { nodes { subject } } }",
                json!({ "o": order }),
            )
            .await;
        assert_eq!(texts(&body, "documents", "subject", &expected), expected);
        expected.reverse();
    }
}

/// Posts `query` with `Accept-Language: language` (none when None).
async fn in_language(
    app: &TestApp,
    token: Option<&str>,
    language: Option<&str>,
    query: &str,
    variables: Value,
) -> (Value, reqwest::header::HeaderMap) {
    // Not the apps' client, which asks for English.
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    let response = request.send().await.unwrap();
    let headers = response.headers().clone();
    (response.json().await.unwrap(), headers)
}

/// The Vietnamese label of a value of `UserErrorCode`.
async fn label_of(app: &TestApp, code: &str) -> String {
    let query = "{ labels(enums: [\"UserErrorCode\"]) { values { value label } } }";
    let (body, _) = in_language(app, None, Some("en"), query, json!({})).await;
    body["data"]["labels"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == code)
        .unwrap_or_else(|| panic!("{code} has a label: {body}"))["label"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn messages_are_vietnamese_unless_the_caller_prefers_english() {
    let app = spawn_app().await;
    app.seed().await;
    let root = app.token("root").await;
    let me = app.graphql_as(&root, "{ me { id } }", json!({})).await["data"]["me"]["id"].clone();
    let deactivate = "mutation($u: ID!) { deactivateUser(input: {user: $u}) { userErrors { field code message } } }";
    let vi = label_of(&app, "CANNOT_DEACTIVATE_SELF").await;
    assert!(vi.contains("tài khoản"), "{vi}");
    for (language, vietnamese) in [
        (None, true),
        (Some("vi-VN,vi;q=0.9"), true),
        (Some("fr-FR,vi;q=0.8,en;q=0.5"), true),
        (Some("en"), false),
        (Some("en-US,en;q=0.9,vi;q=0.5"), false),
    ] {
        let (body, headers) =
            in_language(&app, Some(&root), language, deactivate, json!({ "u": me })).await;
        let error = &body["data"]["deactivateUser"]["userErrors"][0];
        assert_eq!(error["code"], "CANNOT_DEACTIVATE_SELF", "{body}");
        assert_eq!(error["field"], "user");
        if vietnamese {
            assert_eq!(error["message"], vi.as_str(), "{language:?}");
        } else {
            let message = error["message"].as_str().unwrap();
            assert_eq!(message, "ask another administrator");
        }
        // A cache must not hand one language's answer to the other.
        let vary: Vec<_> = headers.get_all("vary").iter().collect();
        assert!(vary.iter().any(|v| *v == "accept-language"), "{vary:?}");
    }

    // The errors a person may meet outside payloads too.
    let forbidden = "{ auditEvents(first: 1) { edges { cursor } } }";
    let (body, _) = in_language(&app, None, None, forbidden, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert_eq!(
        body["errors"][0]["message"],
        "Cần đăng nhập để thực hiện việc này."
    );
    let (body, _) = in_language(&app, None, Some("en"), forbidden, json!({})).await;
    assert_eq!(body["errors"][0]["message"], "authentication required");
    let viewer = app.token(&role_user(Role::Viewer)).await;
    let (body, _) = in_language(&app, Some(&viewer), None, forbidden, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(
        body["errors"][0]["message"],
        "Bạn không có quyền thực hiện việc này."
    );
    // A token that no longer holds (expired, forged): a 401, which a
    // person meets when a session ends.
    let (body, _) = in_language(&app, Some("not.a.token"), None, forbidden, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Phiên đăng nhập không hợp lệ"),
        "{message}"
    );
    let (body, _) = in_language(&app, Some("not.a.token"), Some("en"), forbidden, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the access token is invalid"),
        "{message}"
    );
    // Malformed queries are the client developer's to fix: English.
    let (body, _) = in_language(&app, None, None, "{ nope }", json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["message"].as_str().unwrap().is_ascii());
}

/// The time "HH:MM ngày DD/MM/YYYY" (or "HH:MM on DD/MM/YYYY") in `text`.
fn time_in(text: &str, word: &str) -> NaiveDateTime {
    let at = text
        .find(&format!(" {word} "))
        .unwrap_or_else(|| panic!("{text}"));
    let clock = &text[at - 5..at];
    let date = &text[at + word.len() + 2..at + word.len() + 12];
    NaiveDateTime::parse_from_str(&format!("{clock} {date}"), "%H:%M %d/%m/%Y")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[tokio::test]
async fn a_locked_sign_in_says_until_when_on_vietnams_clock() {
    let app = spawn_app().await;
    app.seed().await;
    let login = "mutation { login(input: {username: \"viewer.tn\", password: \"wrong-password-1\"}) { userErrors { code message } } }";
    let mut last = Value::Null;
    for _ in 0..6 {
        (last, _) = in_language(&app, None, None, login, json!({})).await;
    }
    let error = &last["data"]["login"]["userErrors"][0];
    assert_eq!(error["code"], "THROTTLED", "{last}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("Đăng nhập sai quá nhiều lần"),
        "{message}"
    );
    // Locked for 15 minutes from now, read in UTC+7.
    let expected = (Utc::now() + Duration::hours(7) + Duration::minutes(15)).naive_utc();
    let told = time_in(message, "ngày");
    assert!(
        (told - expected).num_minutes().abs() <= 2,
        "{message} vs {expected}"
    );
    let (body, _) = in_language(&app, None, Some("en"), login, json!({})).await;
    let message = body["data"]["login"]["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.ends_with("(UTC+7)"), "{message}");
    let told = time_in(&message, "on");
    assert!((told - expected).num_minutes().abs() <= 2, "{message}");
}

#[tokio::test]
async fn every_enum_value_of_the_schema_has_a_vietnamese_label() {
    let app = national();
    let body = app
        .graphql(
            "{ __schema { types { kind name enumValues { name } } } labels { enum values { value label } } }",
            json!({}),
        )
        .await;
    let mut enums: Vec<(String, Vec<String>)> = body["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "ENUM" && !t["name"].as_str().unwrap().starts_with("__"))
        .map(|t| {
            let values = t["enumValues"].as_array().unwrap();
            let values = values
                .iter()
                .map(|v| v["name"].as_str().unwrap().to_owned());
            (t["name"].as_str().unwrap().to_owned(), values.collect())
        })
        .collect();
    enums.sort();
    let labels = body["data"]["labels"].as_array().unwrap();
    let labelled: Vec<(String, Vec<String>)> = labels
        .iter()
        .map(|e| {
            let values = e["values"].as_array().unwrap();
            let values = values
                .iter()
                .map(|v| v["value"].as_str().unwrap().to_owned());
            (e["enum"].as_str().unwrap().to_owned(), values.collect())
        })
        .collect();
    assert_eq!(
        labelled, enums,
        "every enum, every value, in the schema's order"
    );
    for e in labels {
        for v in e["values"].as_array().unwrap() {
            let label = v["label"].as_str().unwrap();
            let value = v["value"].as_str().unwrap();
            assert!(
                !label.trim().is_empty() && label != value && label.trim() == label,
                "{}.{value}: {label:?}",
                e["enum"]
            );
        }
    }
    // A few that frontends show everywhere.
    let label = |name: &str, value: &str| -> String {
        labels
            .iter()
            .find(|e| e["enum"] == name)
            .and_then(|e| {
                e["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["value"] == value)
            })
            .map(|v| v["label"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(label("MandateKind", "DECENTRALIZATION"), "Phân cấp");
    assert_eq!(label("MandateKind", "AUTHORIZATION"), "Ủy quyền");
    assert_eq!(label("MandateStatus", "ACTIVE"), "Đang có hiệu lực");
    assert_eq!(label("OrderField", "NAME"), "Theo tên");
    // One enum at a time, and an unknown one refused.
    let body = app
        .graphql(
            "{ labels(enums: [\"UnitKind\"]) { enum values { value label } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["labels"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"]["labels"][0]["enum"], "UnitKind");
    let body = app
        .graphql("{ labels(enums: [\"Nope\"]) { enum } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}
