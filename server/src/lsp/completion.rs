//! Completion in system specs (and `x-ddia` fragments): keys and values from the schema.
//!
//! The cursor's context is read from the text, line by line, so completion works while
//! the YAML is incomplete (a key being typed does not parse yet).

use super::schema::{SchemaNode, node_at};
use super::vocabulary_docs::VALUE_DOCS;

/// What to complete at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completing {
    /// A key of the mapping at `path` (keys already present are listed in `present`).
    Key {
        path: Vec<String>,
        present: Vec<String>,
    },
    /// The value of `key` in the mapping at `path`.
    Value { path: Vec<String>, key: String },
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key:` (possibly after `- `) at the start of a line: the key and whether it is a
/// list item.
fn line_key(line: &str) -> Option<(String, bool)> {
    let content = line.trim_start_matches(' ');
    let (item, content) = match content.strip_prefix("- ") {
        Some(rest) => (true, rest.trim_start_matches(' ')),
        None => (false, content),
    };
    let (key, _) = content.split_once(':')?;
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    valid.then(|| (key.to_owned(), item))
}

/// Works out what to complete from the lines before the cursor.
pub fn completing(text: &str, offset: usize) -> Option<Completing> {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    if prefix.trim_start().starts_with('#') {
        return None;
    }
    let mut indent = indentation(prefix);
    let mut content = &prefix[indent..];
    let mut in_item = false;
    if let Some(rest) = content.strip_prefix("- ") {
        in_item = true;
        indent += 2;
        content = rest;
    }
    // `key: partial` completes a value; `partial` completes a key.
    let value_of = content
        .split_once(':')
        .map(|(key, _)| key.trim().to_owned());
    // The parent path: the nearest less-indented `key:` lines above.
    let mut path: Vec<String> = Vec::new();
    let mut limit = indent;
    if in_item {
        path.push("[]".to_owned());
    }
    let lines: Vec<&str> = text[..line_start].lines().collect();
    let mut present: Vec<String> = Vec::new();
    for line in lines.iter().rev() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let line_indent = indentation(line);
        let after_dash = line[line_indent..].strip_prefix("- ");
        // Where the line's key starts: after `- ` for a list item.
        let key_indent = match after_dash {
            Some(rest) => line_indent + 2 + indentation(rest),
            None => line_indent,
        };
        let key = line_key(line);
        if key_indent >= limit {
            if key_indent == indent
                && let Some((key, item)) = &key
            {
                present.push(key.clone());
                if *item && !in_item {
                    // The first key of the list item the cursor is in.
                    path.push("[]".to_owned());
                    limit = line_indent;
                }
            }
            continue;
        }
        let Some((key, item)) = key else {
            // A list item without a key (`- `): its contents are in a list.
            if after_dash.is_some() {
                path.push("[]".to_owned());
                limit = line_indent;
            }
            continue;
        };
        path.push(key);
        if item {
            path.push("[]".to_owned());
        }
        limit = line_indent;
        if limit == 0 {
            break;
        }
    }
    path.reverse();
    Some(match value_of {
        Some(key) => Completing::Value { path, key },
        None => Completing::Key { path, present },
    })
}

/// The schema node of a path, mapping `services.<name>.x-ddia` to a datastore.
pub fn schema_for(path: &[String]) -> Option<SchemaNode> {
    if path.len() >= 3 && path[0] == "services" && path[2] == "x-ddia" {
        let mut mapped = vec!["datastores".to_owned(), "fragment".to_owned()];
        mapped.extend(path[3..].iter().cloned());
        return node_at(&mapped);
    }
    node_at(path)
}

/// The documentation of an enumerated value, if written.
pub fn value_doc(key: &str, value: &str, path: &[String]) -> Option<&'static str> {
    // A dependency's `mode` is a call mode, not a replication mode.
    let key = if key == "mode" && path.iter().any(|p| p == "depends_on") {
        "call_mode"
    } else {
        key
    };
    VALUE_DOCS
        .iter()
        .find(|(k, v, _)| *k == key && *v == value)
        .map(|(_, _, doc)| *doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_context_from_the_lines_above() {
        let text = "ddia: 1\ndatastores:\n  orders:\n    replication:\n      mode: single-leader\n      rep";
        assert_eq!(
            completing(text, text.len()),
            Some(Completing::Key {
                path: vec!["datastores".into(), "orders".into(), "replication".into()],
                present: vec!["mode".into()],
            })
        );
        let text = "datastores:\n  orders:\n    replication:\n      mode: lea";
        assert_eq!(
            completing(text, text.len()),
            Some(Completing::Value {
                path: vec!["datastores".into(), "orders".into(), "replication".into()],
                key: "mode".into(),
            })
        );
        let text = "requirements:\n  access_patterns:\n    - name: x\n      kind: ";
        assert_eq!(
            completing(text, text.len()),
            Some(Completing::Value {
                path: vec!["requirements".into(), "access_patterns".into(), "[]".into()],
                key: "kind".into(),
            })
        );
    }
}
