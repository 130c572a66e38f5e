//! Which rules run and how severe their findings are: the user's choices, applied to a
//! file's findings by every front end (the language server's settings today, the
//! `ddia.toml` configuration file later).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules;
use serde::Deserialize;
use std::collections::HashMap;

/// Rule selection and severity overrides. Codes or category names (`replication`)
/// are accepted wherever a code is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// If set, only these rules run.
    pub select: Option<Vec<String>>,
    /// Rules added to the selection (or to every rule, without `select`).
    #[serde(rename = "extend-select", alias = "extendSelect")]
    pub extend_select: Vec<String>,
    /// Rules that never run.
    pub ignore: Vec<String>,
    /// Severity per code.
    pub severity: HashMap<String, SeverityName>,
}

/// A severity as written in settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
}

impl From<SeverityName> for Severity {
    fn from(name: SeverityName) -> Severity {
        match name {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Info => Severity::Info,
        }
    }
}

/// Whether a selector (a code or a category) names the rule with `code`.
fn matches(selector: &str, code: &str) -> bool {
    selector == code
        || selector == "all"
        || rules::rule(code).is_some_and(|rule| rule.category.as_str() == selector)
}

impl Settings {
    /// Selectors that name no rule and no category, for error messages.
    pub fn unknown_selectors(&self) -> Vec<String> {
        let known = |selector: &str| {
            selector == "all"
                || rules::ALL_RULES
                    .iter()
                    .any(|rule| rule.code == selector || rule.category.as_str() == selector)
        };
        self.select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .chain(self.severity.keys())
            .filter(|selector| !known(selector))
            .cloned()
            .collect()
    }

    /// Whether findings of `code` are reported.
    pub fn enabled(&self, code: &str) -> bool {
        let selected = match &self.select {
            Some(select) => select.iter().any(|s| matches(s, code)),
            None => true,
        } || self.extend_select.iter().any(|s| matches(s, code));
        selected && !self.ignore.iter().any(|s| matches(s, code))
    }

    /// Drops disabled findings and applies severity overrides (a code's own override
    /// wins over its category's).
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if *self == Settings::default() {
            return;
        }
        diagnostics.retain(|d| self.enabled(d.code));
        for diagnostic in diagnostics.iter_mut() {
            let by_code = self.severity.get(diagnostic.code);
            let by_category = rules::rule(diagnostic.code)
                .and_then(|rule| self.severity.get(rule.category.as_str()));
            if let Some(severity) = by_code.or(by_category) {
                diagnostic.severity = (*severity).into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn finding(code: &'static str) -> Diagnostic {
        rules::rule(code)
            .expect("a known rule")
            .diagnostic(TextRange::empty(0), "message")
    }

    #[test]
    fn selects_ignores_and_overrides() {
        let settings: Settings = serde_json::from_value(serde_json::json!({
            "select": ["replication"],
            "ignore": ["last-write-wins"],
            "severity": {"non-overlapping-quorums": "error", "replication": "info"}
        }))
        .expect("valid settings");
        let mut diagnostics = vec![
            finding("non-overlapping-quorums"),
            finding("last-write-wins"),
            finding("missing-backup"),
            finding("unspecified-quorum"),
        ];
        settings.apply(&mut diagnostics);
        let kept: Vec<(&str, Severity)> =
            diagnostics.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            kept,
            [
                ("non-overlapping-quorums", Severity::Error),
                ("unspecified-quorum", Severity::Info)
            ]
        );
        assert!(settings.unknown_selectors().is_empty());
        let typo: Settings = serde_json::from_value(serde_json::json!({"ignore": ["replicaton"]}))
            .expect("valid shape");
        assert_eq!(typo.unknown_selectors(), ["replicaton"]);
        assert!(serde_json::from_value::<Settings>(serde_json::json!({"ignroe": []})).is_err());
    }
}
