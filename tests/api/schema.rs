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
        file == phancap::schema::sdl(),
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
    let document = parse_schema(phancap::schema::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    let mut check = |description: &Option<Positioned<String>>, path: String| {
        if description
            .as_ref()
            .is_none_or(|d| d.node.trim().is_empty())
        {
            undocumented.push(path);
        }
    };
    for definition in &document.definitions {
        let ty = match definition {
            TypeSystemDefinition::Type(ty) => ty,
            // The built-in directives are the specification's, but their
            // arguments are printed in the SDL too.
            TypeSystemDefinition::Directive(directive) => {
                let directive = &directive.node;
                for argument in &directive.arguments {
                    check(
                        &argument.node.description,
                        format!("@{}({}:)", directive.name.node, argument.node.name.node),
                    );
                }
                continue;
            }
            TypeSystemDefinition::Schema(_) => continue,
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

/// The values of `UserErrorCode` with their descriptions on one line.
fn rule_codes() -> Vec<(String, String)> {
    let document = parse_schema(phancap::schema::sdl()).expect("the SDL parses");
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            continue;
        };
        if let TypeKind::Enum(enumeration) = &ty.node.kind
            && ty.node.name.node == "UserErrorCode"
        {
            return enumeration
                .values
                .iter()
                .map(|v| {
                    let text = v.node.description.as_ref().map_or("", |d| d.node.as_str());
                    (
                        v.node.value.node.to_string(),
                        text.split_whitespace().collect::<Vec<_>>().join(" "),
                    )
                })
                .collect();
        }
    }
    panic!("the schema has no UserErrorCode");
}

/// README's code tables follow from the schema: the list of every rule
/// code is generated from `UserErrorCode`, and the tables of rules and
/// mutations name no code the schema lacks.
#[test]
fn the_readme_lists_the_rule_codes_the_schema_has() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md exists");
    let codes = rule_codes();
    let mut table =
        String::from("| code | returned when, and the rule's source |\n| --- | --- |\n");
    for (code, text) in &codes {
        table.push_str(&format!("| `{code}` | {} |\n", text.replace('|', "\\|")));
    }
    let (begin, end) = ("<!-- rule codes: begin -->\n", "<!-- rule codes: end -->");
    let listed = readme
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(inside, _)| inside);
    assert!(
        listed == Some(table.as_str()),
        "README's list of rule codes differs from UserErrorCode; put this between the markers:\n{table}"
    );
    // Every table whose last column lists codes names known ones only.
    let known: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    let mut in_code_table = false;
    for line in readme.lines() {
        if !line.starts_with('|') {
            in_code_table = false;
            continue;
        }
        let last = line
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or("")
            .trim();
        if matches!(last, "codes" | "refusals") {
            in_code_table = true;
            continue;
        }
        if !in_code_table {
            continue;
        }
        for token in last.split('`').skip(1).step_by(2) {
            let shaped =
                token.len() > 3 && token.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            if shaped {
                assert!(
                    known.contains(&token),
                    "README names `{token}`, which UserErrorCode lacks"
                );
            }
        }
    }
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
