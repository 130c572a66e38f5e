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
    text: &str,
) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        applicability,
        edits: vec![insert_keys_edit(section, &[(key, value)], text)?],
    })
}

/// An edit that adds `key: value` pairs to a mapping section after its last entry,
/// keeping its style: one line each at the section's indentation for a block mapping
/// (comments on the last line stay where they are), `, key: value` before the closing
/// brace for a flow mapping.
/// `None` when a key is there already (with a value the model could not read, such
/// as `read_quorum: "2"`): adding it again would make a duplicate key.
pub fn insert_keys_edit(section: &Section, pairs: &[(&str, &str)], text: &str) -> Option<Edit> {
    if pairs.is_empty() || pairs.iter().any(|(key, _)| has_key(section, key, text)) {
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

/// Whether the section's mapping already has `key` as one of its own keys (plain or
/// quoted), read from the text at the section's indentation (block) or after `{`, `,`
/// (flow).
pub(crate) fn has_key(section: &Section, key: &str, text: &str) -> bool {
    let Some(body) = text.get(section.range.as_range()) else {
        return false;
    };
    let is_key_at = |rest: &str| {
        let rest = rest.trim_start_matches(['"', '\'']);
        rest.strip_prefix(key).is_some_and(|after| {
            after
                .trim_start_matches(['"', '\''])
                .trim_start_matches([' ', '\t'])
                .starts_with(':')
        })
    };
    match &section.insertion {
        Some(Insertion::Block { indent, .. }) => {
            body.split(['\n', '\r']).enumerate().any(|(number, line)| {
                // The first line starts at the first key, after its indentation.
                let rest = if number == 0 {
                    Some(line)
                } else {
                    line.get(*indent..)
                        .filter(|_| line.bytes().take(*indent).all(|b| b == b' '))
                };
                rest.is_some_and(|rest| !rest.starts_with([' ', '\t']) && is_key_at(rest))
            })
        }
        Some(Insertion::Flow { .. }) => body
            .split([',', '{'])
            .any(|part| is_key_at(part.trim_start())),
        None => false,
    }
}
