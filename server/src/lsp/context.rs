//! Where the cursor is in a YAML document: the path of keys to it, on a key or a value.

use crate::syntax::{NodeId, NodeKind, YamlDocument};
use crate::text::TextRange;

/// The cursor's place in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorPlace {
    /// Keys from the root (`[]` for a list item), the last one being the key at or
    /// above the cursor.
    pub path: Vec<String>,
    /// Whether the cursor is on the key itself (else on its value).
    pub on_key: bool,
    /// The range of the key or value under the cursor.
    pub range: TextRange,
    /// The scalar text under the cursor, if it is on a scalar.
    pub text: Option<String>,
}

/// Finds the innermost key or scalar value that contains `offset`, without recursion.
pub fn place_at(doc: &YamlDocument, offset: usize) -> Option<CursorPlace> {
    let mut node: NodeId = doc.root?;
    let mut path: Vec<String> = Vec::new();
    // Each step goes one level deeper; the depth of a document is bounded.
    for _ in 0..256 {
        match doc.kind(node) {
            NodeKind::Mapping(entries) => {
                let entry = entries.iter().find(|entry| {
                    doc.range(entry.key).contains_inclusive(offset)
                        || doc
                            .range(doc.resolve(entry.value))
                            .contains_inclusive(offset)
                            && entry.merged_from.is_none()
                })?;
                let key = doc.key_text(entry.key)?.to_owned();
                if doc.range(entry.key).contains_inclusive(offset) {
                    path.push(key.clone());
                    return Some(CursorPlace {
                        path,
                        on_key: true,
                        range: doc.range(entry.key),
                        text: Some(key),
                    });
                }
                path.push(key);
                node = entry.value;
            }
            NodeKind::Sequence(items) => {
                let item = items
                    .iter()
                    .copied()
                    .find(|&item| doc.range(doc.resolve(item)).contains_inclusive(offset))?;
                path.push("[]".to_owned());
                node = item;
            }
            NodeKind::Scalar(scalar) => {
                return Some(CursorPlace {
                    path,
                    on_key: false,
                    range: doc.range(node),
                    text: Some(scalar.text.clone()),
                });
            }
            NodeKind::Alias { .. } => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn finds_keys_and_values() {
        let text = "datastores:\n  orders:\n    replication: {mode: leaderless}\nrequirements:\n  access_patterns:\n    - {kind: range}\n";
        let parsed = parse(text);
        let doc = parsed.stream.first_document().expect("a document");
        let on_value = place_at(doc, text.find("leaderless").expect("value") + 2).expect("place");
        assert_eq!(
            on_value.path,
            ["datastores", "orders", "replication", "mode"]
        );
        assert!(!on_value.on_key);
        assert_eq!(on_value.text.as_deref(), Some("leaderless"));
        let on_key = place_at(doc, text.find("replication").expect("key")).expect("place");
        assert_eq!(on_key.path, ["datastores", "orders", "replication"]);
        assert!(on_key.on_key);
        let in_list = place_at(doc, text.find("range").expect("range")).expect("place");
        assert_eq!(
            in_list.path,
            ["requirements", "access_patterns", "[]", "kind"]
        );
    }
}
