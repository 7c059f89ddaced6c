//! Files attached to documents: sent by the GraphQL multipart request
//! spec, kept by their SHA-256, typed by their content, downloadable by
//! anyone.

use entity::document::DocumentType;
use phancap::graphql::NodeKind;
use serde_json::{Value, json};

use crate::helpers::{TestApp, gid, instrument, spawn_app};

const ATTACH: &str = "mutation($input: AttachFileInput!) { attachFile(input: $input) {
  attachment { fileName contentType sizeBytes sha256 url } userErrors { field code } } }";

/// A multipart body carrying `ATTACH` for `document` and one file.
fn multipart(document: &str, file_name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "phancapBoundary7d3f";
    let operations = json!({
        "query": ATTACH,
        "variables": { "input": { "document": document, "file": null } },
    });
    let mut body = Vec::new();
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"",
        br#"{"0": ["variables.input.file"]}"#,
    );
    part(
        &format!(
            "Content-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream"
        ),
        content,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    document: &str,
    file_name: &str,
    content: &[u8],
) -> (u16, Value) {
    let (content_type, body) = multipart(document, file_name, content);
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_signed_scan_is_attached_kept_by_its_hash_and_downloaded_by_anyone() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let doc = instrument(
        &app,
        "15/2025/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-07-01",
    )
    .await;
    let doc_id = gid(NodeKind::Document, doc);
    let root = app.token("root").await;
    let scan = b"%PDF-1.7\n% scanned decision with its seal\n%%EOF\n".to_vec();

    let (status, body) = upload(&app, Some(&root), &doc_id, "15-QD-UBND.pdf", &scan).await;
    assert_eq!(status, 200, "{body}");
    let attachment = &body["data"]["attachFile"]["attachment"];
    assert_eq!(attachment["contentType"], "application/pdf", "{body}");
    assert_eq!(attachment["sizeBytes"], scan.len() as f64);
    let sha = phancap::mandates::attachments::sha256_hex(&scan);
    assert_eq!(attachment["sha256"], sha.as_str());
    // The same content again is the same attachment.
    let (_, again) = upload(&app, Some(&root), &doc_id, "copy.pdf", &scan).await;
    assert_eq!(
        again["data"]["attachFile"]["attachment"]["fileName"],
        "15-QD-UBND.pdf"
    );
    let listed = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Document { attachments { fileName url } } } }",
            json!({ "id": doc_id }),
        )
        .await;
    let url = listed["data"]["node"]["attachments"][0]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("{listed}"))
        .to_owned();
    assert!(url.starts_with("/attachments/"), "{listed}");

    // Anyone downloads it, byte for byte, as a download that runs nothing.
    let response = app
        .client
        .get(format!("{}{url}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename*=UTF-8''15-QD-UBND.pdf")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), scan.as_slice());
    // Compressed for a browser, it arrives whole.
    let response = app
        .client
        .get(format!("{}{url}", app.address))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let packed = response.bytes().await.unwrap();
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(packed.as_ref()),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, scan);
    for missing in [
        uuid::Uuid::nil().to_string(),
        "../../etc/passwd".into(),
        sha,
    ] {
        let response = app
            .client
            .get(format!("{}/attachments/{missing}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }
}

#[tokio::test]
async fn an_upload_is_signed_in_typed_by_its_content_and_bounded() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    let doc = instrument(
        &app,
        "16/2025/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-07-01",
    )
    .await;
    let doc_id = gid(NodeKind::Document, doc);
    let root = app.token("root").await;
    let law = crate::helpers::law(&app, "61/2020/QH14").await;
    let before = app.snapshot().await;
    // A program renamed .pdf is refused by its content.
    let (_, body) = upload(&app, Some(&root), &doc_id, "scan.pdf", b"MZ\x90\x00\x03").await;
    assert_eq!(
        body["data"]["attachFile"]["userErrors"][0]["code"], "UNSUPPORTED_FILE_TYPE",
        "{body}"
    );
    // A PDF signature does not make a script a PDF: the name's extension
    // must be the content's.
    let (_, body) = upload(
        &app,
        Some(&root),
        &doc_id,
        "scan.pdf.cmd",
        b"%PDF-1.4\r\n@echo off",
    )
    .await;
    assert_eq!(
        body["data"]["attachFile"]["userErrors"][0]["code"], "UNSUPPORTED_FILE_TYPE",
        "{body}"
    );
    // A form from another site cannot carry a token without asking first;
    // a header that is not a valid token is refused before the body is
    // read.
    for token in [None, Some("not-a-token")] {
        let (status, body) = upload(&app, token, &doc_id, "a.pdf", b"%PDF-1.4").await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{body}"
        );
    }
    // Only the multipart map puts a file into the variables.
    let (status, body) = app
        .post_with(
            None,
            json!({ "query": ATTACH, "variables": { "input": { "document": doc_id, "file": "#__graphql_file__:0" } } }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .post_with(
            Some(&root),
            json!({ "query": "mutation($d: ID!) { attachFile(input: {document: $d, file: \"\\u0023__graphql_file__:0\"}) { userErrors { code } } }", "variables": { "d": doc_id } }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    // A retry key cannot match an upload (the boundary changes each time).
    let (content_type, multipart_body) = multipart(&doc_id, "a.pdf", b"%PDF-1.4");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&root)
        .header("Content-Type", content_type)
        .header("Idempotency-Key", "upload-1")
        .body(multipart_body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // A law belongs to no province's APPROVER.
    let approver = app
        .token(&crate::helpers::role_user(
            entity::role_grant::Role::Approver,
        ))
        .await;
    let (_, body) = upload(
        &app,
        Some(&approver),
        &gid(NodeKind::Document, law),
        "luat.pdf",
        b"%PDF-1.4",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    // A reader without APPROVER over the issuer may not attach.
    let reader = app
        .token(&crate::helpers::role_user(
            entity::role_grant::Role::Reporter,
        ))
        .await;
    let (_, body) = upload(&app, Some(&reader), &doc_id, "a.pdf", b"%PDF-1.4").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(app.snapshot().await, before, "refusals attach nothing");
    // An APPROVER attaches to their province's documents, not to another's.
    let approver = app
        .token(&crate::helpers::role_user(
            entity::role_grant::Role::Approver,
        ))
        .await;
    let elsewhere = instrument(
        &app,
        "18/2025/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.outside.id,
        "2025-07-01",
    )
    .await;
    let before = app.snapshot().await;
    let elsewhere = gid(NodeKind::Document, elsewhere);
    let (_, body) = upload(&app, Some(&approver), &elsewhere, "a.pdf", b"%PDF-1.4").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let (_, body) = upload(&app, Some(&approver), &doc_id, "a.pdf", b"%PDF-1.4").await;
    assert_eq!(
        body["data"]["attachFile"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_ne!(app.snapshot().await, before);
    // Removing it takes the same rights; the content goes with the last
    // attachment that has it.
    let sha = body["data"]["attachFile"]["attachment"]["sha256"].clone();
    const DETACH: &str = "mutation($input: DetachFileInput!) { detachFile(input: $input) { attachment { fileName } userErrors { code } } }";
    let input = json!({ "input": { "document": doc_id, "sha256": sha } });
    let reporter = app
        .token(&crate::helpers::role_user(
            entity::role_grant::Role::Reporter,
        ))
        .await;
    let body = app.graphql_as(&reporter, DETACH, input.clone()).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app.graphql_as(&approver, DETACH, input.clone()).await;
    assert_eq!(
        body["data"]["detachFile"]["attachment"]["fileName"], "a.pdf",
        "{body}"
    );
    let body = app.graphql_as(&approver, DETACH, input).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    let before = app.snapshot().await;
    // A multipart body that does not follow the spec.
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&root)
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\nhi\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(app.snapshot().await, before, "nothing was attached");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused() {
    let app = crate::helpers::spawn_app_with(phancap::startup::Settings {
        files: phancap::mandates::attachments::FileStore {
            dir: std::env::temp_dir().join("unused"),
            max_bytes: 64,
        },
        ..crate::helpers::unlimited()
    })
    .await;
    let fixture = app.seed().await;
    let doc = instrument(
        &app,
        "17/2025/QĐ-UBND",
        DocumentType::QdUbnd,
        fixture.inside.id,
        "2025-07-01",
    )
    .await;
    let doc_id = gid(NodeKind::Document, doc);
    let root = app.token("root").await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(100, b'x');
    let (_, body) = upload(&app, Some(&root), &doc_id, "big.pdf", &big).await;
    assert_eq!(
        body["data"]["attachFile"]["userErrors"][0]["code"], "FILE_TOO_LARGE",
        "{body}"
    );
    // Far beyond the limit, the body itself is refused before it is read.
    big.resize(2 * 1024 * 1024, b'x');
    let (status, _) = upload(&app, Some(&root), &doc_id, "huge.pdf", &big).await;
    assert_eq!(status, 413);
}
