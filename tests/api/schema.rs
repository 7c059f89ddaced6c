//! The published SDL and the HTTP surface around /graphql.

use std::process::Command;

use async_graphql::parser::types::{
    FieldDefinition, InputValueDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Positioned, parser::parse_schema};

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

/// Every type, field, argument, input field and enum value a client sees
/// carries a description: the SDL is the API's documentation.
#[test]
fn every_schema_element_is_documented() {
    let document = parse_schema(phancap::graphql::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    let mut check = |description: &Option<Positioned<String>>, path: String| {
        if description
            .as_ref()
            .is_none_or(|d| d.node.trim().is_empty())
        {
            undocumented.push(path);
        }
    };
    // The built-in directives (@include, @skip, @specifiedBy) are the
    // library's; only types are ours.
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        check(&ty.description, name.to_string());
        let fields: &[Positioned<FieldDefinition>] = match &ty.kind {
            TypeKind::Object(object) => &object.fields,
            TypeKind::Interface(interface) => &interface.fields,
            _ => &[],
        };
        for field in fields {
            let field = &field.node;
            let field_path = format!("{name}.{}", field.name.node);
            check(&field.description, field_path.clone());
            for argument in &field.arguments {
                let argument: &InputValueDefinition = &argument.node;
                check(
                    &argument.description,
                    format!("{field_path}({}:)", argument.name.node),
                );
            }
        }
        match &ty.kind {
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    check(
                        &field.node.description,
                        format!("{name}.{}", field.node.name.node),
                    );
                }
            }
            TypeKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    check(
                        &value.node.description,
                        format!("{name}.{}", value.node.value.node),
                    );
                }
            }
            _ => {}
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} schema elements have no description:\n  {}",
        undocumented.len(),
        undocumented.join("\n  ")
    );
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
