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
    if key.is_empty() {
        return false;
    }
    let bytes = body.as_bytes();
    // Each place the key's text occurs (a fast search: sections can be long, and this
    // runs for every fix offered on every keystroke), checked to be a key of this
    // mapping: a `:` after it, and before it the start of a line at the section's
    // indentation (block) or `{`, `,` (flow), an opening quote allowed.
    memchr::memmem::find_iter(bytes, key.as_bytes()).any(|at| {
        let after = &body[at + key.len()..];
        let after = after.strip_prefix(['"', '\'']).unwrap_or(after);
        if !after.trim_start_matches([' ', '\t']).starts_with(':') {
            return false;
        }
        let mut start = at;
        if start > 0 && matches!(bytes[start - 1], b'"' | b'\'') {
            start -= 1;
        }
        match &section.insertion {
            Some(Insertion::Block { indent, .. }) => {
                // The first line starts at the section's first key.
                let line_start = body[..start].rfind('\n').map(|n| n + 1);
                match line_start {
                    None => start == 0,
                    Some(line_start) => {
                        start - line_start == *indent
                            && bytes[line_start..start].iter().all(|&b| b == b' ')
                    }
                }
            }
            Some(Insertion::Flow { .. }) => {
                let before = body[..start].trim_end_matches([' ', '\t', '\n', '\r']);
                before.is_empty() || before.ends_with(['{', ','])
            }
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::has_key;
    use crate::model::{Insertion, Section};
    use crate::text::TextRange;

    fn section(text: &str, start: usize, insertion: Insertion) -> Section {
        Section {
            key: TextRange::empty(0),
            range: TextRange::new(start, text.len()),
            insertion: Some(insertion),
        }
    }

    #[test]
    fn keys_are_found_at_the_mapping_level_only() {
        let text = "r:\n  mode: x\n  \"read_quorum\": \"2\"\n  nested:\n    backoff: 1\n";
        let block = section(
            text,
            5,
            Insertion::Block {
                offset: 0,
                indent: 2,
            },
        );
        assert!(has_key(&block, "mode", text));
        assert!(has_key(&block, "read_quorum", text));
        assert!(has_key(&block, "nested", text));
        // Deeper, in a value, or a longer key: not this mapping's key.
        assert!(!has_key(&block, "backoff", text));
        assert!(!has_key(&block, "x", text));
        assert!(!has_key(&block, "read", text));
        let text = "r: {mode: x, read_quorum: 2}";
        let flow = section(
            text,
            3,
            Insertion::Flow {
                offset: 0,
                empty: false,
            },
        );
        assert!(has_key(&flow, "mode", text));
        assert!(has_key(&flow, "read_quorum", text));
        assert!(!has_key(&flow, "x", text));
    }
}
