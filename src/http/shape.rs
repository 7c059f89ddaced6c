//! Puts a response in the shape the GraphQL specification gives it.
//!
//! async-graphql 7.2 resolves sibling fields concurrently and inserts each
//! into the response object when it completes, drops a field whose
//! resolver failed instead of nulling it, and answers null for an object
//! none of whose fields were selected or resolved. Clients rely on the
//! specification's rules: response keys in the order of the selection set
//! for the object's runtime type ("Serialized Map Ordering", "CollectFields"),
//! and an error in a field nulling that field, or, when the field is
//! non-null, its parent, up to the nearest nullable position ("Handling
//! Field Errors"); `data` is null when the error reaches the root.
//!
//! [`Plan::new`] reads the query document before execution, within a
//! budget (a document is refused when following its fragments would take
//! too long or go too deep), and marks the selection sets whose runtime
//! type or emptiness it must learn with a `__typename` under the reserved
//! alias [`MARKER`]. [`Plan::apply`] then shapes the response and removes
//! the marks.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationType, Selection,
    SelectionSet, Type, TypeKind,
};
use async_graphql::parser::{Positioned, parse_schema};
use async_graphql::{Name, PathSegment, Response, Value};

mod nulls;
mod size;

use nulls::*;
pub use size::check_size;

/// The alias under which phancap asks for `__typename` where it needs it;
/// reserved: a document using it is refused.
pub const MARKER: &str = "_phancapType";

/// Most selections a plan visits, fragments followed as often as spread.
const BUDGET: usize = 50_000;

/// Deepest nesting of fields and fragment spreads a plan follows.
const MAX_DEPTH: usize = 64;

/// What the plan needs of the schema, read once from its SDL: the declared
/// type of every field of every object and interface, and which object
/// types an interface or union may be at run time.
pub struct TypeIndex {
    fields: HashMap<String, HashMap<String, Type>>,
    possible: HashMap<String, Vec<String>>,
    roots: [String; 3],
}

impl TypeIndex {
    /// Reads the SDL of the served schema.
    pub fn from_sdl(sdl: &str) -> TypeIndex {
        let mut index = TypeIndex {
            fields: HashMap::new(),
            possible: HashMap::new(),
            roots: ["Query".into(), "Mutation".into(), "Subscription".into()],
        };
        let Ok(document) = parse_schema(sdl) else {
            return index;
        };
        use async_graphql::parser::types::TypeSystemDefinition as Def;
        let mut implements: Vec<(String, String)> = Vec::new();
        for definition in document.definitions {
            match definition {
                Def::Type(ty) => {
                    let ty = ty.node;
                    let name = ty.name.node.to_string();
                    let defs = match ty.kind {
                        TypeKind::Object(o) => {
                            for interface in o.implements {
                                implements.push((interface.node.to_string(), name.clone()));
                            }
                            o.fields
                        }
                        TypeKind::Interface(i) => {
                            index.possible.entry(name.clone()).or_default();
                            i.fields
                        }
                        TypeKind::Union(u) => {
                            let members = u.members.into_iter().map(|m| m.node.to_string());
                            index.possible.entry(name).or_default().extend(members);
                            continue;
                        }
                        _ => continue,
                    };
                    let by_name = defs
                        .into_iter()
                        .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                        .collect();
                    index.fields.insert(name, by_name);
                }
                Def::Schema(schema) => {
                    let s = schema.node;
                    for (slot, name) in [s.query, s.mutation, s.subscription]
                        .into_iter()
                        .enumerate()
                    {
                        if let Some(name) = name {
                            index.roots[slot] = name.node.to_string();
                        }
                    }
                }
                Def::Directive(_) => {}
            }
        }
        for (interface, object) in implements {
            index.possible.entry(interface).or_default().push(object);
        }
        index
    }

    fn field(&self, parent: &str, name: &str) -> Option<Type> {
        if name == "__typename" {
            return Some(Type {
                base: BaseType::Named(Name::new("String")),
                nullable: false,
            });
        }
        self.fields.get(parent)?.get(name).cloned()
    }

    fn is_abstract(&self, ty: &str) -> bool {
        self.possible.contains_key(ty)
    }

    /// Whether a fragment on `condition` applies to an object of
    /// `runtime` type. Types the index does not know (introspection's)
    /// are taken to match.
    fn applies(&self, condition: &str, runtime: &str) -> bool {
        condition == runtime
            || self
                .possible
                .get(condition)
                .is_some_and(|types| types.iter().any(|t| t == runtime))
            || (!self.fields.contains_key(runtime) && !self.possible.contains_key(condition))
    }

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.roots[0],
            OperationType::Mutation => &self.roots[1],
            OperationType::Subscription => &self.roots[2],
        }
    }
}

/// The response keys of one selection set for one runtime type, in order
/// of first appearance, with what each selects below it.
#[derive(Debug, Default)]
pub struct Shape {
    fields: Vec<FieldShape>,
    positions: HashMap<Name, usize>,
}

#[derive(Debug)]
struct FieldShape {
    key: Name,
    /// The field's name (the key is its alias, if any).
    name: Name,
    /// The declared type; None for fields the index does not know
    /// (introspection), which are treated as nullable.
    ty: Option<Type>,
    sub: Sub,
}

/// What a field selects below it.
#[derive(Debug)]
enum Sub {
    Leaf,
    Object(Shape),
    /// An interface or union: one shape per possible runtime type, chosen
    /// by the marker's `__typename`.
    Abstract(HashMap<String, Shape>),
}

impl Sub {
    /// The shape for `object`, whose runtime type the marker tells.
    fn shape_for(&self, object: &async_graphql::indexmap::IndexMap<Name, Value>) -> Option<&Shape> {
        match self {
            Sub::Leaf => None,
            Sub::Object(shape) => Some(shape),
            Sub::Abstract(shapes) => match object.get(MARKER) {
                Some(Value::String(ty)) => shapes.get(ty),
                _ => None,
            },
        }
    }
}

/// The operation a request runs: its type and its shape.
pub struct Plan {
    pub ty: OperationType,
    root: Sub,
}

/// A document refused before execution.
#[derive(Debug)]
pub struct Refused(pub String);

impl Plan {
    /// Plans the operation `operation_name` selects in `document` (the
    /// only one when None) and marks the document where the plan needs the
    /// runtime type. Ok(None) when the operation is ambiguous or unknown,
    /// which execution then reports; Err when the document uses the
    /// reserved alias, nests too deep or would take too long to follow.
    pub fn new(
        index: &TypeIndex,
        document: &mut ExecutableDocument,
        operation_name: Option<&str>,
    ) -> Result<Option<Plan>, Refused> {
        check_size(document)?;
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(op), _) => Some(op),
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
            _ => None,
        };
        let Some(operation) = operation else {
            return Ok(None);
        };
        let ty = operation.node.ty;
        let root = index.root(ty).to_owned();
        let mut builder = Builder {
            index,
            document,
            budget: BUDGET,
        };
        let shape = builder.shape(&[&operation.node.selection_set.node], &root, 0)?;
        mark_document(index, document);
        Ok(Some(Plan {
            ty,
            root: Sub::Object(shape),
        }))
    }

    /// How many root fields named `name` the operation selects (aliases
    /// and fragments included).
    pub fn root_fields_named(&self, name: &str) -> usize {
        match &self.root {
            Sub::Object(shape) => shape.fields.iter().filter(|f| f.name == name).count(),
            _ => 0,
        }
    }

    /// Orders the response's keys, propagates its field errors, removes
    /// the marks.
    pub fn apply(&self, response: &mut Response) {
        for error in &response.errors {
            if !error.path.is_empty() {
                reopen(&mut response.data, &self.root, &error.path);
            }
        }
        for error in &response.errors {
            if !error.path.is_empty() && null_failed(&mut response.data, &self.root, &error.path) {
                response.data = Value::Null;
                return;
            }
        }
        reorder(&mut response.data, &self.root);
    }
}

struct Builder<'a> {
    index: &'a TypeIndex,
    document: &'a ExecutableDocument,
    budget: usize,
}

/// A response key being collected: the field it names and every selection
/// set selected under it.
struct Entry<'a> {
    key: Name,
    field: &'a Name,
    sets: Vec<&'a SelectionSet>,
}

impl<'a> Builder<'a> {
    fn shape(
        &mut self,
        sets: &[&'a SelectionSet],
        runtime: &str,
        depth: usize,
    ) -> Result<Shape, Refused> {
        if depth > MAX_DEPTH {
            return Err(Refused(format!(
                "the document nests deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let mut positions: HashMap<Name, usize> = HashMap::new();
        let mut spreads = Vec::new();
        for set in sets {
            self.gather(
                set,
                runtime,
                &mut entries,
                &mut positions,
                &mut spreads,
                depth,
            )?;
        }
        let mut shape = Shape {
            fields: Vec::with_capacity(entries.len()),
            positions,
        };
        for entry in entries {
            let ty = self.index.field(runtime, entry.field);
            let sub = if entry.sets.iter().all(|s| s.items.is_empty()) {
                Sub::Leaf
            } else {
                let child = ty.as_ref().map(named).unwrap_or_default().to_owned();
                match self.index.possible.get(&child) {
                    Some(types) => {
                        let mut shapes = HashMap::with_capacity(types.len());
                        for t in types {
                            shapes.insert(t.clone(), self.shape(&entry.sets, t, depth + 1)?);
                        }
                        Sub::Abstract(shapes)
                    }
                    None => Sub::Object(self.shape(&entry.sets, &child, depth + 1)?),
                }
            };
            shape.fields.push(FieldShape {
                key: entry.key,
                name: entry.field.clone(),
                ty,
                sub,
            });
        }
        Ok(shape)
    }

    /// CollectFields for `runtime`: fields in order, fragments that apply
    /// followed where they are spread.
    fn gather(
        &mut self,
        set: &'a SelectionSet,
        runtime: &str,
        entries: &mut Vec<Entry<'a>>,
        positions: &mut HashMap<Name, usize>,
        spreads: &mut Vec<&'a str>,
        depth: usize,
    ) -> Result<(), Refused> {
        for selection in &set.items {
            self.budget = self.budget.checked_sub(1).ok_or_else(|| {
                Refused("the document is too large to plan once its fragments are followed".into())
            })?;
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = &field.alias.as_ref().unwrap_or(&field.name).node;
                    if key.as_str() == MARKER {
                        return Err(Refused(format!("the alias {MARKER} is reserved")));
                    }
                    match positions.get(key) {
                        Some(&at) => entries[at].sets.push(&field.selection_set.node),
                        None => {
                            positions.insert(key.clone(), entries.len());
                            entries.push(Entry {
                                key: key.clone(),
                                field: &field.name.node,
                                sets: vec![&field.selection_set.node],
                            });
                        }
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    if spreads.contains(&name) || !self.index.applies(on, runtime) {
                        continue;
                    }
                    if spreads.len() + depth > MAX_DEPTH {
                        return Err(Refused(format!(
                            "the document nests deeper than {MAX_DEPTH} levels"
                        )));
                    }
                    spreads.push(name);
                    self.gather(
                        &fragment.node.selection_set.node,
                        runtime,
                        entries,
                        positions,
                        spreads,
                        depth,
                    )?;
                    spreads.pop();
                }
                Selection::InlineFragment(inline) => {
                    let applies = inline
                        .node
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| self.index.applies(c.node.on.node.as_str(), runtime));
                    if applies {
                        self.gather(
                            &inline.node.selection_set.node,
                            runtime,
                            entries,
                            positions,
                            spreads,
                            depth,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Adds the marker to every selection set whose object the plan must
/// identify: those on an interface or union, and those that might select
/// nothing (every field under a directive or a type condition), which
/// async-graphql would answer with null instead of `{}`.
fn mark_document(index: &TypeIndex, document: &mut ExecutableDocument) {
    let operations: Vec<_> = match &mut document.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values_mut().collect(),
    };
    for operation in operations {
        let root = index.root(operation.node.ty).to_owned();
        mark_set(index, &mut operation.node.selection_set.node, &root);
    }
    for fragment in document.fragments.values_mut() {
        let on = fragment.node.type_condition.node.on.node.to_string();
        mark_set(index, &mut fragment.node.selection_set.node, &on);
    }
}

fn mark_set(index: &TypeIndex, set: &mut SelectionSet, parent: &str) {
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) => {
                let field = &mut field.node;
                if field.selection_set.node.items.is_empty() {
                    continue;
                }
                let child = index
                    .field(parent, &field.name.node)
                    .as_ref()
                    .map(named)
                    .unwrap_or_default()
                    .to_owned();
                let set = &mut field.selection_set;
                let plain = set.node.items.iter().any(
                    |s| matches!(&s.node, Selection::Field(f) if f.node.directives.is_empty()),
                );
                if index.is_abstract(&child) || !plain {
                    let pos = set.pos;
                    set.node.items.push(Positioned::new(
                        Selection::Field(Positioned::new(
                            Field {
                                alias: Some(Positioned::new(Name::new(MARKER), pos)),
                                name: Positioned::new(Name::new("__typename"), pos),
                                arguments: Vec::new(),
                                directives: Vec::new(),
                                selection_set: Positioned::new(SelectionSet::default(), pos),
                            },
                            pos,
                        )),
                        pos,
                    ));
                }
                mark_set(index, &mut set.node, &child);
            }
            Selection::InlineFragment(inline) => {
                let on = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map_or_else(|| parent.to_owned(), |c| c.node.on.node.to_string());
                mark_set(index, &mut inline.node.selection_set.node, &on);
            }
            Selection::FragmentSpread(_) => {}
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{PathSegment, Response, ServerError, Value};
    use serde_json::json;

    use super::{MARKER, Plan, TypeIndex};

    const SDL: &str = "
        type Query { a: A! b: A list: [A!] items: [A]! node: Node nodes: [Node]! }
        interface Node { id: ID! }
        type A implements Node { id: ID! x: Int! y: Int inner: A }
        type B implements Node { id: ID! y: Int }
        schema { query: Query }
    ";

    /// Runs `query`'s plan over `data` with errors at `paths`; the data as
    /// JSON text, in its order.
    fn shaped(query: &str, data: serde_json::Value, paths: &[&[PathSegment]]) -> String {
        let index = TypeIndex::from_sdl(SDL);
        let mut document = parse_query(query).unwrap();
        let plan = Plan::new(&index, &mut document, None).unwrap().unwrap();
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

    #[test]
    fn objects_of_an_interface_are_ordered_by_their_own_type() {
        let out = shaped(
            "{ nodes { ... on B { y id } ... on A { id x } } }",
            json!({ "nodes": [
                { "x": 1, "id": "a", MARKER: "A" },
                { "id": "b", "y": 2, MARKER: "B" },
            ] }),
            &[],
        );
        assert_eq!(out, r#"{"nodes":[{"id":"a","x":1},{"y":2,"id":"b"}]}"#);
        // Nothing selected for the runtime type: an empty object, not null.
        let out = shaped(
            "{ node { ... on B { y } } }",
            json!({ "node": { MARKER: "A" } }),
            &[],
        );
        assert_eq!(out, r#"{"node":{}}"#);
    }

    #[test]
    fn the_document_is_marked_where_the_runtime_type_matters() {
        let index = TypeIndex::from_sdl(SDL);
        let mut document = parse_query("{ node { id } b { x @skip(if: true) } a { x } }").unwrap();
        Plan::new(&index, &mut document, None).unwrap().unwrap();
        let text = format!("{document:?}");
        assert_eq!(text.matches(MARKER).count(), 2, "node and b, not a");
        let mut reserved = parse_query(format!("{{ a {{ {MARKER}: x }} }}")).unwrap();
        assert!(Plan::new(&index, &mut reserved, None).is_err());
    }

    #[test]
    fn documents_too_deep_or_too_large_to_plan_are_refused() {
        let index = TypeIndex::from_sdl(SDL);
        // A chain of 3,000 fragments overflowed the stack.
        let mut chain = String::from("{ ...F0 }");
        for i in 0..3000 {
            chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F3000 on Query { __typename }");
        let mut document = parse_query(&chain).unwrap();
        assert!(Plan::new(&index, &mut document, None).is_err());
        // Each fragment spreading the next twice doubles the work.
        let mut doubling = String::from("{ ...F0 }");
        for i in 0..30 {
            doubling.push_str(&format!(
                " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        doubling.push_str(" fragment F30 on Query { __typename }");
        let mut document = parse_query(&doubling).unwrap();
        let started = std::time::Instant::now();
        assert!(Plan::new(&index, &mut document, None).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
