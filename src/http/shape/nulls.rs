//! Reshaping a response as the specification has it: a failed field
//! nulled in place, null propagated to the nearest nullable parent, keys in
//! the order asked.

use super::*;

impl Shape {
    pub(super) fn get(&self, key: &str) -> Option<&FieldShape> {
        self.positions.get(key).map(|&at| &self.fields[at])
    }
}

/// async-graphql answers null for an object none of whose fields resolved;
/// on the way to a failed field such an object is an object again, so
/// that the failure is judged where it happened.
pub(super) fn reopen(value: &mut Value, sub: &Sub, path: &[PathSegment]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match first {
        PathSegment::Field(key) => {
            if matches!(value, Value::Null) && matches!(sub, Sub::Object(_)) {
                *value = Value::Object(Default::default());
            }
            let Value::Object(map) = value else {
                return;
            };
            let Some(field) = sub.shape_for(map).and_then(|s| s.get(key)) else {
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
                reopen(item, sub, rest);
            }
        }
    }
}

/// Nulls the field at `path` of the object `value`, or the nearest
/// nullable position above it when it is non-null; true when that reaches
/// the object itself (which the caller must then null).
pub(super) fn null_failed(value: &mut Value, sub: &Sub, path: &[PathSegment]) -> bool {
    let Some((PathSegment::Field(key), rest)) = path.split_first() else {
        return false;
    };
    let Value::Object(map) = value else {
        // Already nulled by an earlier error's propagation.
        return false;
    };
    let Some(field) = sub.shape_for(map).and_then(|s| s.get(key)) else {
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
pub(super) fn null_failed_in(
    value: &mut Value,
    ty: Option<&Type>,
    sub: &Sub,
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
            if !null_failed_in(item, item_ty, sub, rest) {
                return false;
            }
            if nullable(item_ty) {
                *item = Value::Null;
                false
            } else {
                true
            }
        }
        (value @ Value::Object(_), _) => null_failed(value, sub, path),
        _ => false,
    }
}

/// Orders every object by its shape and removes the marks.
pub(super) fn reorder(value: &mut Value, sub: &Sub) {
    match value {
        Value::Object(map) => {
            let marker = map.swap_remove(MARKER);
            let shape = match (sub, &marker) {
                (Sub::Object(shape), _) => shape,
                (Sub::Abstract(shapes), Some(Value::String(ty))) => match shapes.get(ty) {
                    Some(shape) => shape,
                    None => return,
                },
                _ => return,
            };
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
                reorder(item, sub);
            }
        }
        _ => {}
    }
}
