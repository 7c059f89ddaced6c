//! Puts a response in the shape the GraphQL specification gives it.
//!
//! async-graphql 7.2 resolves sibling fields concurrently and inserts each
//! into the response object when it completes, and it drops a field whose
//! resolver failed instead of nulling it. Clients rely on both rules of the
//! specification: response keys in the order of the selection set
//! ("Serialized Map Ordering"), and an error in a field nulling that field,
//! or, when the field is non-null, its parent, up to the nearest nullable
//! position ("Handling Field Errors"); `data` is null when the error
//! reaches the root. [`Shape`] is planned from the query document before
//! execution (nothing is parsed twice) and applied to the response after.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, Type,
    TypeKind,
};
use async_graphql::parser::{Positioned, parse_schema};
use async_graphql::{Name, PathSegment, Response, Value};

/// The declared type of every field of every object and interface, read
/// once from the schema's SDL.
pub struct TypeIndex {
    fields: HashMap<String, HashMap<String, Type>>,
    roots: [String; 3],
}

impl TypeIndex {
    /// Reads the SDL of the served schema.
    pub fn from_sdl(sdl: &str) -> TypeIndex {
        let mut fields = HashMap::new();
        let mut roots = ["Query".into(), "Mutation".into(), "Subscription".into()];
        let Ok(document) = parse_schema(sdl) else {
            return TypeIndex { fields, roots };
        };
        use async_graphql::parser::types::TypeSystemDefinition as Def;
        for definition in document.definitions {
            match definition {
                Def::Type(ty) => {
                    let ty = ty.node;
                    let defs = match ty.kind {
                        TypeKind::Object(o) => o.fields,
                        TypeKind::Interface(i) => i.fields,
                        _ => continue,
                    };
                    let by_name = defs
                        .into_iter()
                        .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                        .collect();
                    fields.insert(ty.name.node.to_string(), by_name);
                }
                Def::Schema(schema) => {
                    let s = schema.node;
                    for (slot, name) in [s.query, s.mutation, s.subscription]
                        .into_iter()
                        .enumerate()
                    {
                        if let Some(name) = name {
                            roots[slot] = name.node.to_string();
                        }
                    }
                }
                Def::Directive(_) => {}
            }
        }
        TypeIndex { fields, roots }
    }

    fn field(&self, parent: &str, name: &str) -> Option<Type> {
        if name == "__typename" {
            return Some(Type::new("String!").expect("a valid type"));
        }
        self.fields.get(parent)?.get(name).cloned()
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        }
    }
}

/// The response keys of one selection set, in order of first appearance,
/// with what each selects below it.
#[derive(Debug, Default)]
pub struct Shape {
    fields: Vec<FieldShape>,
}

#[derive(Debug)]
struct FieldShape {
    key: Name,
    /// The declared type; None for fields the index does not know
    /// (introspection), which are treated as nullable.
    ty: Option<Type>,
    sub: Shape,
}

/// The operation a request runs: its type and its shape.
pub struct Plan {
    pub ty: OperationType,
    shape: Shape,
}

impl Plan {
    /// Plans the operation `operation_name` selects in `document` (the
    /// only one when None); None when the choice is ambiguous or unknown,
    /// which execution then reports.
    pub fn new(
        index: &TypeIndex,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
    ) -> Option<Plan> {
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(op), _) => op,
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
            _ => return None,
        };
        let ty = operation.node.ty;
        let mut shape = Shape::default();
        let mut visiting = Vec::new();
        collect(
            index,
            document,
            &operation.node.selection_set,
            index.root(ty),
            &mut shape,
            &mut visiting,
        );
        Some(Plan { ty, shape })
    }

    /// Orders the response's keys and propagates its field errors.
    pub fn apply(&self, response: &mut Response) {
        for error in &response.errors {
            if !error.path.is_empty() {
                reopen(&mut response.data, &self.shape, &error.path);
            }
        }
        for error in &response.errors {
            if !error.path.is_empty() && null_failed(&mut response.data, &self.shape, &error.path) {
                response.data = Value::Null;
                return;
            }
        }
        reorder(&mut response.data, &self.shape);
    }
}

fn collect<'a>(
    index: &TypeIndex,
    document: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    parent: &str,
    shape: &mut Shape,
    visiting: &mut Vec<&'a str>,
) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let key = field.alias.as_ref().unwrap_or(&field.name).node.clone();
                let ty = index.field(parent, &field.name.node);
                let child = ty.as_ref().map(named).unwrap_or_default().to_owned();
                let at = match shape.fields.iter().position(|f| f.key == key) {
                    Some(at) => at,
                    None => {
                        shape.fields.push(FieldShape {
                            key,
                            ty,
                            sub: Shape::default(),
                        });
                        shape.fields.len() - 1
                    }
                };
                collect(
                    index,
                    document,
                    &field.selection_set,
                    &child,
                    &mut shape.fields[at].sub,
                    visiting,
                );
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let Some(fragment) = document.fragments.get(name) else {
                    continue;
                };
                if visiting.contains(&name) {
                    continue;
                }
                visiting.push(name);
                let on = fragment.node.type_condition.node.on.node.to_string();
                collect(
                    index,
                    document,
                    &fragment.node.selection_set,
                    &on,
                    shape,
                    visiting,
                );
                visiting.pop();
            }
            Selection::InlineFragment(inline) => {
                let on = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map_or_else(|| parent.to_owned(), |c| c.node.on.node.to_string());
                collect(
                    index,
                    document,
                    &inline.node.selection_set,
                    &on,
                    shape,
                    visiting,
                );
            }
        }
    }
}

/// The named type under any list and non-null wrappers.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

fn element(ty: Option<&Type>) -> Option<&Type> {
    match ty.map(|t| &t.base) {
        Some(BaseType::List(inner)) => Some(inner),
        _ => None,
    }
}

fn nullable(ty: Option<&Type>) -> bool {
    ty.is_none_or(|t| t.nullable)
}

/// async-graphql answers null for an object none of whose fields resolved;
/// on the way to a failed field such an object is an object again, so
/// that the failure is judged where it happened.
fn reopen(value: &mut Value, shape: &Shape, path: &[PathSegment]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match first {
        PathSegment::Field(key) => {
            if matches!(value, Value::Null) {
                *value = Value::Object(Default::default());
            }
            let (Value::Object(map), Some(field)) = (value, shape.get(key)) else {
                return;
            };
            if let Some(child) = map.get_mut(key.as_str()) {
                reopen(child, &field.sub, rest);
            }
        }
        PathSegment::Index(i) => {
            if let Value::List(items) = value
                && let Some(item) = items.get_mut(*i)
            {
                reopen(item, shape, rest);
            }
        }
    }
}

/// Nulls the field at `path`, or the nearest nullable position above it
/// when it is non-null; true when that reaches the value itself (which the
/// caller must then null).
fn null_failed(value: &mut Value, shape: &Shape, path: &[PathSegment]) -> bool {
    let Some((PathSegment::Field(key), rest)) = path.split_first() else {
        return false;
    };
    let Value::Object(map) = value else {
        // Already nulled by an earlier error's propagation.
        return false;
    };
    let Some(field) = shape.get(key) else {
        return false;
    };
    let failed_here = match map.get_mut(key.as_str()) {
        Some(child) if !rest.is_empty() && !matches!(child, Value::Null) => {
            null_failed_in(child, field.ty.as_ref(), &field.sub, rest)
        }
        Some(_) if !rest.is_empty() => return false,
        _ => true,
    };
    if !failed_here {
        return false;
    }
    if nullable(field.ty.as_ref()) {
        map.insert(Name::new(key), Value::Null);
        false
    } else {
        true
    }
}

/// Like [`null_failed`] for a field's value of type `ty`: true when the
/// value's own position must be nulled.
fn null_failed_in(
    value: &mut Value,
    ty: Option<&Type>,
    shape: &Shape,
    path: &[PathSegment],
) -> bool {
    match (value, path.split_first()) {
        (Value::List(items), Some((PathSegment::Index(i), rest))) => {
            let item_ty = element(ty);
            let Some(item) = items.get_mut(*i) else {
                return false;
            };
            if matches!(item, Value::Null) {
                return false;
            }
            if !null_failed_in(item, item_ty, shape, rest) {
                return false;
            }
            if nullable(item_ty) {
                *item = Value::Null;
                false
            } else {
                true
            }
        }
        (value @ Value::Object(_), _) => null_failed(value, shape, path),
        _ => false,
    }
}

impl Shape {
    fn get(&self, key: &str) -> Option<&FieldShape> {
        self.fields.iter().find(|f| f.key.as_str() == key)
    }
}

fn reorder(value: &mut Value, shape: &Shape) {
    match value {
        Value::Object(map) if !shape.fields.is_empty() => {
            let in_order = map
                .keys()
                .zip(&shape.fields)
                .all(|(key, field)| *key == field.key);
            if in_order && map.len() <= shape.fields.len() {
                for (field, child) in shape.fields.iter().zip(map.values_mut()) {
                    reorder(child, &field.sub);
                }
                return;
            }
            let mut old = std::mem::take(map);
            map.reserve(old.len());
            for field in &shape.fields {
                if let Some(mut child) = old.swap_remove(&field.key) {
                    reorder(&mut child, &field.sub);
                    map.insert(field.key.clone(), child);
                }
            }
            map.extend(old);
        }
        Value::List(items) => {
            for item in items {
                reorder(item, shape);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{PathSegment, Response, ServerError, Value};
    use serde_json::json;

    use super::{Plan, TypeIndex};

    const SDL: &str = "
        type Query { a: A! b: A list: [A!] items: [A]! }
        type A { x: Int! y: Int inner: A }
        schema { query: Query }
    ";

    /// Runs `query`'s plan over `data` with errors at `paths`; the data as
    /// JSON text, in its order.
    fn shaped(query: &str, data: serde_json::Value, paths: &[&[PathSegment]]) -> String {
        let index = TypeIndex::from_sdl(SDL);
        let document = parse_query(query).unwrap();
        let plan = Plan::new(&index, &document, None).unwrap();
        let mut response = Response::new(Value::from_json(data).unwrap());
        for path in paths {
            let mut error = ServerError::new("boom", None);
            error.path = path.to_vec();
            response.errors.push(error);
        }
        plan.apply(&mut response);
        serde_json::to_string(&response.data).unwrap()
    }

    fn f(name: &str) -> PathSegment {
        PathSegment::Field(name.into())
    }

    #[test]
    fn keys_follow_the_selection_set_through_fragments() {
        let out = shaped(
            "{ b { y x } ...F a { x } } fragment F on Query { list { y x } }",
            json!({ "a": { "x": 1 }, "list": [{ "x": 2, "y": 3 }], "b": { "x": 4, "y": 5 } }),
            &[],
        );
        assert_eq!(
            out,
            r#"{"b":{"y":5,"x":4},"list":[{"y":3,"x":2}],"a":{"x":1}}"#
        );
    }

    #[test]
    fn a_failed_nullable_field_is_null_in_its_place() {
        let out = shaped(
            "{ b { x y } }",
            json!({ "b": { "x": 1 } }),
            &[&[f("b"), f("y")]],
        );
        assert_eq!(out, r#"{"b":{"x":1,"y":null}}"#);
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nullable_parent() {
        let out = shaped(
            "{ b { y x } a { x } }",
            json!({ "b": { "y": 1 }, "a": { "x": 2 } }),
            &[&[f("b"), f("x")]],
        );
        assert_eq!(out, r#"{"b":null,"a":{"x":2}}"#);
    }

    #[test]
    fn a_failure_reaching_the_root_nulls_data() {
        // a is non-null, and so is its x.
        let out = shaped(
            "{ a { x } b { x } }",
            json!({ "a": null, "b": { "x": 1 } }),
            &[&[f("a"), f("x")]],
        );
        assert_eq!(out, "null");
        let out = shaped("{ a { x } }", json!(null), &[&[f("a")]]);
        assert_eq!(out, "null");
    }

    #[test]
    fn list_items_null_by_their_own_type() {
        // [A!]: a failed item nulls the whole (nullable) list.
        let out = shaped(
            "{ list { x } }",
            json!({ "list": [{ "x": 1 }, {}] }),
            &[&[f("list"), PathSegment::Index(1), f("x")]],
        );
        assert_eq!(out, r#"{"list":null}"#);
        // [A]!: only the item is nulled.
        let out = shaped(
            "{ items { x } }",
            json!({ "items": [{ "x": 1 }, {}] }),
            &[&[f("items"), PathSegment::Index(1), f("x")]],
        );
        assert_eq!(out, r#"{"items":[{"x":1},null]}"#);
    }

    #[test]
    fn an_object_whose_only_field_failed_is_reopened_before_judging() {
        // async-graphql answers null for `b`; y is nullable, so b stays.
        let out = shaped("{ b { y } }", json!({ "b": null }), &[&[f("b"), f("y")]]);
        assert_eq!(out, r#"{"b":{"y":null}}"#);
        // Two errors under the same parent: the first nulls it, the second
        // finds it null and leaves it.
        let out = shaped(
            "{ b { inner { x y } } }",
            json!({ "b": { "inner": null } }),
            &[&[f("b"), f("inner"), f("x")], &[f("b"), f("inner"), f("y")]],
        );
        assert_eq!(out, r#"{"b":{"inner":null}}"#);
    }
}
