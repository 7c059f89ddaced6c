//! The size budget of a document: fields a response may hold and how
//! deep, counted through fragments before anything runs.

use super::*;

/// Refuses a document any of whose operations or fragments, with its
/// fragments expanded where they are spread, selects more than [`BUDGET`]
/// fields or nests deeper than [`MAX_DEPTH`], or whose fragments spread
/// each other in a cycle: its validation alone would take the server's
/// time (a fragment spreading the next one twice doubles it per level).
/// Each fragment is measured once, so this costs the document's length.
pub fn check_size(document: &ExecutableDocument) -> Result<(), Refused> {
    let mut sizes: HashMap<&str, Option<(usize, usize)>> = HashMap::new();
    for operation in document.operations.iter().map(|(_, op)| op) {
        let (size, depth) = set_size(document, &operation.node.selection_set.node, &mut sizes, 0)?;
        if size > BUDGET || depth > MAX_DEPTH {
            return Err(too_large());
        }
    }
    for name in document.fragments.keys() {
        let (size, depth) = fragment_size(document, name.as_str(), &mut sizes, 0)?;
        if size > BUDGET || depth > MAX_DEPTH {
            return Err(too_large());
        }
    }
    Ok(())
}

pub(super) fn too_large() -> Refused {
    Refused(format!(
        "the document selects more than {BUDGET} fields or nests deeper than {MAX_DEPTH} levels once its fragments are expanded"
    ))
}

/// Expanded (size, depth) of a fragment; None in `sizes` while it is
/// being measured, which is how a cycle shows.
pub(super) fn fragment_size<'a>(
    document: &'a ExecutableDocument,
    name: &'a str,
    sizes: &mut HashMap<&'a str, Option<(usize, usize)>>,
    nesting: usize,
) -> Result<(usize, usize), Refused> {
    match sizes.get(name) {
        Some(Some(known)) => return Ok(*known),
        Some(None) => return Err(Refused(format!("fragment {name} spreads itself"))),
        None => {}
    }
    let Some(fragment) = document.fragments.get(name) else {
        return Ok((0, 0));
    };
    sizes.insert(name, None);
    let measured = set_size(document, &fragment.node.selection_set.node, sizes, nesting)?;
    // Capped, so that sums stay far from overflowing.
    let measured = (measured.0.min(BUDGET + 1), measured.1.min(MAX_DEPTH + 1));
    sizes.insert(name, Some(measured));
    Ok(measured)
}

/// `nesting` counts the fields and fragment spreads above `set`, which
/// bounds the recursion whatever the document.
pub(super) fn set_size<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    sizes: &mut HashMap<&'a str, Option<(usize, usize)>>,
    nesting: usize,
) -> Result<(usize, usize), Refused> {
    if nesting > MAX_DEPTH {
        return Err(too_large());
    }
    let (mut size, mut depth) = (0usize, 0usize);
    for selection in &set.items {
        let (s, d) = match &selection.node {
            Selection::Field(field) => {
                let (s, d) =
                    set_size(document, &field.node.selection_set.node, sizes, nesting + 1)?;
                (s + 1, d + 1)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                fragment_size(document, name, sizes, nesting + 1)?
            }
            Selection::InlineFragment(inline) => set_size(
                document,
                &inline.node.selection_set.node,
                sizes,
                nesting + 1,
            )?,
        };
        size = size.saturating_add(s).min(BUDGET + 1);
        depth = depth.max(d);
        if depth > MAX_DEPTH {
            return Err(too_large());
        }
    }
    Ok((size, depth))
}
