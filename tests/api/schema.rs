//! The published SDL and the HTTP surface around /graphql.

use std::process::Command;

use crate::helpers::national;

#[test]
fn schema_graphql_is_what_the_code_exports() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let file = std::fs::read_to_string(path).expect("schema.graphql exists");
    assert!(
        file == phancap::graphql::sdl(),
        "schema.graphql drifted from the code: run `cargo run -- schema > schema.graphql`"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_phancap"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), file);
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = national();
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let app = national();
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("graphiql"));
}
