//! The system-spec JSON Schema, embedded, and navigation through it by YAML path.
//!
//! The schema in `grammars/` is the single source of truth for keys and enumerated
//! values: hovers and completion read their keys, values and descriptions from it.

use serde_json::Value;
use std::sync::OnceLock;

const SCHEMA_TEXT: &str = include_str!("../../../grammars/system-spec.schema.json");

/// The parsed schema (parsed once).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null))
}

/// Follows `$ref` (within the document) until a definition without one.
fn resolve(mut node: &'static Value) -> &'static Value {
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        match schema().pointer(reference.trim_start_matches('#')) {
            Some(target) => node = target,
            None => return node,
        }
    }
    node
}

/// What a schema node says about one key: its own node (with description) and the
/// resolved definition (with properties, enums, items).
#[derive(Clone, Copy)]
pub struct SchemaNode {
    pub raw: &'static Value,
    pub resolved: &'static Value,
}

impl SchemaNode {
    fn new(raw: &'static Value) -> SchemaNode {
        SchemaNode {
            raw,
            resolved: resolve(raw),
        }
    }

    /// The description, from the property or else from its definition.
    pub fn description(&self) -> Option<&'static str> {
        self.raw
            .get("description")
            .or_else(|| self.resolved.get("description"))
            .and_then(Value::as_str)
    }

    /// The enumerated values, if the node has them.
    pub fn enum_values(&self) -> Vec<&'static str> {
        self.resolved
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| values.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The keys a mapping at this node may have, with their nodes.
    pub fn properties(&self) -> Vec<(&'static str, SchemaNode)> {
        self.resolved
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| {
                properties
                    .iter()
                    .map(|(key, value)| (key.as_str(), SchemaNode::new(value)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The node of a child key or list item.
    pub fn child(&self, segment: &str) -> Option<SchemaNode> {
        let node = self.resolved;
        if segment == "[]" {
            return node.get("items").map(SchemaNode::new);
        }
        if segment.starts_with("x-") {
            return None;
        }
        if let Some(property) = node.get("properties").and_then(|p| p.get(segment)) {
            return Some(SchemaNode::new(property));
        }
        // Named maps (`datastores`, `services` ...): any name has the same shape.
        match node.get("additionalProperties") {
            Some(value) if value.is_object() => Some(SchemaNode::new(value)),
            _ => {
                // `depends_on` is a list or a map: look through `oneOf`/`anyOf`.
                for combinator in ["oneOf", "anyOf"] {
                    if let Some(options) = node.get(combinator).and_then(Value::as_array) {
                        for option in options {
                            if let Some(found) = SchemaNode::new(option).child(segment) {
                                return Some(found);
                            }
                        }
                    }
                }
                None
            }
        }
    }
}

/// The schema node for a path of keys (`[]` for list items) from the top of a spec.
pub fn node_at(path: &[String]) -> Option<SchemaNode> {
    let mut node = SchemaNode::new(schema());
    for segment in path {
        node = node.child(segment)?;
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> Vec<String> {
        segments.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn navigates_named_maps_refs_and_lists() {
        let mode = node_at(&path(&["datastores", "orders", "replication", "mode"])).expect("mode");
        assert_eq!(
            mode.enum_values(),
            ["none", "single-leader", "multi-leader", "leaderless"]
        );
        assert!(mode.description().is_some());
        let consistency =
            node_at(&path(&["datastores", "orders", "consistency"])).expect("consistency");
        assert!(consistency.enum_values().contains(&"linearizable"));
        let kind =
            node_at(&path(&["requirements", "access_patterns", "[]", "kind"])).expect("kind");
        assert!(kind.enum_values().contains(&"range"));
        let replication =
            node_at(&path(&["datastores", "orders", "replication"])).expect("replication");
        let keys: Vec<&str> = replication.properties().iter().map(|(k, _)| *k).collect();
        assert!(keys.contains(&"write_quorum"));
        let timeout = node_at(&path(&[
            "services",
            "api",
            "depends_on",
            "orders",
            "timeout",
        ]));
        assert!(timeout.is_some());
        assert!(node_at(&path(&["datastores", "orders", "x-owner"])).is_none());
    }
}
