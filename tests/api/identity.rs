//! Signing in, tokens at the HTTP edge, throttling, external tokens.

use std::time::Duration;

use entity::role_grant::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use phancap::auth::{ExternalKey, TokenService};
use phancap::startup::Settings;
use serde_json::{Value, json};

use crate::helpers::{error_code, role_user, spawn_app, spawn_app_full, test_tokens};

const LOGIN: &str = "mutation($u: String!, $p: String!) {
  login(input: { username: $u, password: $p }) {
    accessToken expiresAt user { username } userErrors { field code message }
  }
}";

#[tokio::test]
async fn a_user_signs_in_and_the_token_names_them() {
    let app = spawn_app().await;
    app.seed().await;
    let body = app
        .graphql(LOGIN, json!({ "u": "Root", "p": "root-password-1" }))
        .await;
    let login = &body["data"]["login"];
    assert_eq!(login["userErrors"], json!([]), "{body}");
    assert_eq!(login["user"]["username"], "root");
    assert!(login["expiresAt"].is_string());
    let token = login["accessToken"].as_str().unwrap();
    let me = app
        .graphql_as(token, "{ me { username kind active } }", json!({}))
        .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "username": "root", "kind": "HUMAN", "active": true })
    );
    let anonymous = app.graphql("{ me { username } }", json!({})).await;
    assert_eq!(anonymous["data"]["me"], Value::Null, "no token: anonymous");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let fixture = app.seed().await;
    app.create_user("machine", fixture.inside.id, None).await;
    let wrong = app
        .graphql(LOGIN, json!({ "u": "root", "p": "not-the-password" }))
        .await;
    let unknown = app
        .graphql(LOGIN, json!({ "u": "nobody", "p": "not-the-password" }))
        .await;
    assert_eq!(
        wrong["data"]["login"]["userErrors"],
        unknown["data"]["login"]["userErrors"]
    );
    assert_eq!(
        wrong["data"]["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
    assert_eq!(wrong["data"]["login"]["accessToken"], Value::Null);
    // A service account has no password to sign in with.
    let service = app.graphql(LOGIN, json!({ "u": "machine", "p": "" })).await;
    assert_eq!(
        service["data"]["login"]["userErrors"][0]["code"],
        "INVALID_CREDENTIALS"
    );
}

#[tokio::test]
async fn repeated_failures_lock_a_username_and_say_so() {
    let app = spawn_app().await;
    app.seed().await;
    for _ in 0..5 {
        let body = app
            .graphql(LOGIN, json!({ "u": "root", "p": "guess-guess-guess" }))
            .await;
        assert_eq!(
            body["data"]["login"]["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
    }
    let body = app
        .graphql(LOGIN, json!({ "u": "root", "p": "root-password-1" }))
        .await;
    assert_eq!(
        body["data"]["login"]["userErrors"][0]["code"], "THROTTLED",
        "{body}"
    );
    assert!(
        body["data"]["login"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("try again after")
    );
    assert_eq!(body["data"]["login"]["accessToken"], Value::Null);
    // Unknown usernames are throttled alike, so locking reveals nothing.
    for _ in 0..5 {
        app.graphql(LOGIN, json!({ "u": "ghost", "p": "guess-guess-guess" }))
            .await;
    }
    let body = app
        .graphql(LOGIN, json!({ "u": "ghost", "p": "guess-guess-guess" }))
        .await;
    assert_eq!(body["data"]["login"]["userErrors"][0]["code"], "THROTTLED");
    // Another username is not affected.
    let body = app
        .graphql(
            LOGIN,
            json!({ "u": role_user(Role::Admin), "p": "role-password-1" }),
        )
        .await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
}

#[tokio::test]
async fn a_bad_or_expired_token_is_a_401_never_anonymous() {
    let app = spawn_app().await;
    app.seed().await;
    let forged = TokenService::new(
        b"another-secret-of-at-least-32-bytes!!",
        Duration::from_secs(60),
        None,
    )
    .unwrap();
    let user = phancap::users::service::by_username(app.db(), "root")
        .await
        .unwrap()
        .unwrap();
    let other_secret = forged.issue(user.id, 0, None).unwrap().0;
    let expired = {
        let now = chrono::Utc::now().timestamp();
        let claims = json!({ "sub": user.id, "iss": "phancap", "aud": "phancap", "iat": now - 7200, "exp": now - 3600 });
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(crate::helpers::TEST_SECRET),
        )
        .unwrap()
    };
    for token in ["garbage", other_secret.as_str(), expired.as_str()] {
        let (status, body) = app
            .post_with(
                Some(token),
                json!({ "query": "{ unitByCode(code: \"19\") { code } }" }),
            )
            .await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    // A deactivated user's token stops working at once.
    let token = app.token(&role_user(Role::Viewer)).await;
    let root = app.token("root").await;
    let viewer = phancap::users::service::by_username(app.db(), &role_user(Role::Viewer))
        .await
        .unwrap()
        .unwrap();
    let body = app
        .graphql_as(
            &root,
            "mutation($id: ID!) { deactivateUser(input: { user: $id }) { user { active } } }",
            json!({ "id": phancap::graphql::encode_id(phancap::graphql::NodeKind::User, viewer.id).0 }),
        )
        .await;
    assert_eq!(
        body["data"]["deactivateUser"]["user"]["active"], false,
        "{body}"
    );
    let (status, _) = app
        .post_with(Some(&token), json!({ "query": "{ me { username } }" }))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn tokens_of_a_configured_identity_provider_are_accepted() {
    // A key pair made for this run: no private key is ever committed.
    let (private, public) = ed25519_pem_pair();
    let external = ExternalKey::from_pem(
        Algorithm::EdDSA,
        public.as_bytes(),
        "https://idp.example".into(),
        "phancap".into(),
    )
    .unwrap();
    let app = spawn_app_full(Settings::default(), test_tokens(Some(external))).await;
    app.seed().await;
    let key = EncodingKey::from_ed_pem(private.as_bytes()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let sign = |claims: Value| {
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &key).unwrap()
    };
    let good = sign(
        json!({ "sub": "root", "iss": "https://idp.example", "aud": "phancap", "iat": now, "exp": now + 300 }),
    );
    let body = app
        .graphql_as(&good, "{ me { username } }", json!({}))
        .await;
    assert_eq!(body["data"]["me"]["username"], "root");
    for bad in [
        sign(
            json!({ "sub": "root", "iss": "https://evil.example", "aud": "phancap", "iat": now, "exp": now + 300 }),
        ),
        sign(
            json!({ "sub": "root", "iss": "https://idp.example", "aud": "other", "iat": now, "exp": now + 300 }),
        ),
        sign(
            json!({ "sub": "root", "iss": "https://idp.example", "aud": "phancap", "exp": now + 300 }),
        ),
        sign(
            json!({ "sub": "root", "iss": "https://idp.example", "aud": "phancap", "iat": now, "nbf": now + 600, "exp": now + 900 }),
        ),
        sign(
            json!({ "sub": "nobody", "iss": "https://idp.example", "aud": "phancap", "iat": now, "exp": now + 300 }),
        ),
    ] {
        let (status, body) = app
            .post_with(Some(&bad), json!({ "query": "{ me { username } }" }))
            .await;
        assert_eq!(status, 401, "{body}");
    }
}

#[tokio::test]
async fn anonymous_callers_read_units_and_nothing_else() {
    let app = spawn_app().await;
    app.seed().await;
    let body = app
        .graphql("{ unitByCode(code: \"19\") { name } }", json!({}))
        .await;
    assert_eq!(body["data"]["unitByCode"]["name"], "Tỉnh Thái Nguyên");
    let body = app
        .graphql("{ auditEvents { edges { node { seq } } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let body = app
        .graphql("mutation { createUnit(input: { parent: \"x\", code: \"X-1\", name: \"x\", adminType: BAN }) { unit { id } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

/// A fresh Ed25519 key pair as PKCS#8 and SPKI PEM (RFC 8410 layouts).
fn ed25519_pem_pair() -> (String, String) {
    use base64::Engine;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    let public = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes();
    let pem = |label: &str, prefix: &[u8], key: &[u8]| {
        let der = [prefix, key].concat();
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
    };
    const PKCS8: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    const SPKI: [u8; 12] = [
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    (
        pem("PRIVATE KEY", &PKCS8, &seed),
        pem("PUBLIC KEY", &SPKI, &public),
    )
}
