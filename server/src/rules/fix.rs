//! Building blocks for fixes: add keys to a section, replace a value.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Insertion, Section};
use crate::text::TextRange;

/// A fix that adds `key: value` to a mapping section, keeping its style (block or flow).
pub fn insert_key_fix(
    section: &Section,
    key: &str,
    value: &str,
    message: impl Into<String>,
    applicability: Applicability,
) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        applicability,
        edits: vec![insert_keys_edit(section, &[(key, value)])?],
    })
}

/// An edit that adds `key: value` pairs to a mapping section after its last entry,
/// keeping its style: one line each at the section's indentation for a block mapping
/// (comments on the last line stay where they are), `, key: value` before the closing
/// brace for a flow mapping.
pub fn insert_keys_edit(section: &Section, pairs: &[(&str, &str)]) -> Option<Edit> {
    if pairs.is_empty() {
        return None;
    }
    let edit = match section.insertion.as_ref()? {
        Insertion::Block { offset, indent } => {
            let lines: String = pairs
                .iter()
                .map(|(key, value)| format!("\n{}{key}: {value}", " ".repeat(*indent)))
                .collect();
            Edit::insert(*offset, lines)
        }
        Insertion::Flow { offset, empty } => {
            let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let separator = if *empty { "" } else { ", " };
            Edit::insert(*offset, format!("{separator}{}", joined.join(", ")))
        }
    };
    Some(edit)
}

/// A fix that replaces a value.
pub fn replace_value_fix(
    range: TextRange,
    value: &str,
    message: impl Into<String>,
    applicability: Applicability,
) -> Fix {
    Fix {
        message: message.into(),
        applicability,
        edits: vec![Edit::replace(range, value)],
    }
}
