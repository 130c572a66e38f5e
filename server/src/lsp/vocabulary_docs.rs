//! Hover text for the enumerated values of the system-spec vocabulary.

/// `(key, value, markdown)`: what the value means, its trade-offs, and when to use it.
pub const VALUE_DOCS: &[(&str, &str, &str)] = &[(
    "mode",
    "leaderless",
    "**Leaderless replication.** Any replica accepts writes; a write succeeds once W of the N replicas acknowledge it, and a read asks R replicas. Reads see the latest write only when W + R > N.",
)];
