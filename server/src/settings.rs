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
                // Changed from what its rule made: not kept for the next analysis.
                diagnostic.part = None;
            }
        }
    }
}

/// A size limit as written in settings: a number of bytes, or a number with a unit
/// (`"20MB"`, `"512 KiB"`). Units are binary: `KB` and `KiB` are both 1,024 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSize(pub usize);

impl std::str::FromStr for FileSize {
    type Err = String;

    fn from_str(text: &str) -> Result<FileSize, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit() && c != '_')
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: usize = number.replace('_', "").parse().map_err(|_| {
            format!("`{text}` is not a size: write bytes, or a number with KB, MB or GB")
        })?;
        let scale: usize = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => 1 << 10,
            "m" | "mb" | "mib" => 1 << 20,
            "g" | "gb" | "gib" => 1 << 30,
            other => return Err(format!("unknown size unit `{other}` (use KB, MB or GB)")),
        };
        number
            .checked_mul(scale)
            .map(FileSize)
            .ok_or_else(|| format!("`{text}` is too large"))
    }
}

impl<'de> Deserialize<'de> for FileSize {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FileSize, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Bytes(u64),
            Text(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Bytes(bytes) => usize::try_from(bytes)
                .map(FileSize)
                .map_err(|_| serde::de::Error::custom("the size is too large")),
            Written::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// An editor feature the client can switch off with `{"enable": false}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Feature {
    pub enable: bool,
}

impl Default for Feature {
    /// Every feature is on unless the client turns it off.
    fn default() -> Self {
        Feature { enable: true }
    }
}

/// What an editor client sends: the rule [`Settings`], plus `inlayHints` and
/// `codeLens` (`{"enable": bool}`, both on by default), which only the language
/// server reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSettings {
    pub rules: Settings,
    pub inlay_hints: Feature,
    pub code_lens: Feature,
    /// `maxFileSize`: files above it are not analysed (default: the workspace's
    /// `ddia.toml`, else 20 MB).
    pub max_file_size: Option<FileSize>,
    /// `profile`: the profile of files that neither `ddia.toml` nor a comment gives one.
    pub profile: Option<crate::config::Profile>,
    /// `configurationPreference`: how these settings and `ddia.toml` combine.
    pub configuration_preference: crate::resolve::ConfigurationPreference,
}

impl ClientSettings {
    /// Reads client settings; unknown keys are errors, as in [`Settings`].
    pub fn from_json(mut value: serde_json::Value) -> Result<ClientSettings, serde_json::Error> {
        let mut feature = |key: &str| -> Result<Feature, serde_json::Error> {
            match value.as_object_mut().and_then(|object| object.remove(key)) {
                Some(feature) => serde_json::from_value(feature),
                None => Ok(Feature::default()),
            }
        };
        let inlay_hints = feature("inlayHints")?;
        let code_lens = feature("codeLens")?;
        let max_file_size = match value
            .as_object_mut()
            .and_then(|object| object.remove("maxFileSize"))
        {
            Some(size) if !size.is_null() => Some(serde_json::from_value(size)?),
            _ => None,
        };
        let mut take = |key: &str| {
            value
                .as_object_mut()
                .and_then(|object| object.remove(key))
                .filter(|taken| !taken.is_null())
        };
        let profile = take("profile").map(serde_json::from_value).transpose()?;
        let configuration_preference = take("configurationPreference")
            .map(serde_json::from_value)
            .transpose()?
            .unwrap_or_default();
        Ok(ClientSettings {
            rules: serde_json::from_value(value)?,
            inlay_hints,
            code_lens,
            max_file_size,
            profile,
            configuration_preference,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_in_bytes_or_with_binary_units() {
        let parse = |text: &str| text.parse::<FileSize>().map(|size| size.0);
        assert_eq!(parse("1000"), Ok(1000));
        assert_eq!(parse("20MB"), Ok(20 << 20));
        assert_eq!(parse("512 KiB"), Ok(512 << 10));
        assert_eq!(parse("1_000k"), Ok(1000 << 10));
        assert_eq!(parse("2gb"), Ok(2 << 30));
        assert_eq!(
            parse("5 parsecs"),
            Err("unknown size unit `parsecs` (use KB, MB or GB)".to_owned())
        );
        assert!(parse("MB").is_err());
        assert!(parse("99999999999999999999GB").is_err());
        let from_json: FileSize = serde_json::from_value(serde_json::json!("1MB")).expect("a size");
        assert_eq!(from_json.0, 1 << 20);
        let from_number: FileSize = serde_json::from_value(serde_json::json!(42)).expect("a size");
        assert_eq!(from_number.0, 42);
    }
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

    #[test]
    fn editor_features_are_on_unless_switched_off() {
        let defaults = ClientSettings::from_json(serde_json::json!({})).expect("valid");
        assert_eq!(defaults, ClientSettings::default());
        assert!(defaults.inlay_hints.enable && defaults.code_lens.enable);
        let off = ClientSettings::from_json(serde_json::json!({
            "inlayHints": {"enable": false},
            "ignore": ["missing-backup"]
        }))
        .expect("valid");
        assert!(!off.inlay_hints.enable);
        assert!(off.code_lens.enable);
        assert_eq!(off.rules.ignore, ["missing-backup"]);
        assert!(
            ClientSettings::from_json(serde_json::json!({"inlayHints": {"on": true}})).is_err()
        );
        assert!(ClientSettings::from_json(serde_json::json!({"inlayHint": {}})).is_err());
    }
}
