//! The project configuration file, `ddia.toml`: rule selection, severities, excluded
//! files, per-file ignores and the profile. Found by walking up from a checked file
//! (or the workspace root); every mistake in it is an error naming the file, the line
//! and the key, never silently accepted.

use crate::resolve::SettingsLayer;
use crate::settings::{Settings, SeverityName};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the configuration file.
pub const FILE_NAME: &str = "ddia.toml";

/// Which findings a kind of environment cares about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Everything (the default).
    #[default]
    Production,
    /// A development stack: one broker, no backups, published ports are expected.
    Development,
}

/// The rules a development profile quiets: what a single-host development stack does on
/// purpose (one replica, no backup, published ports, demo credentials, latest images).
pub const DEVELOPMENT_QUIETS: &[&str] = &[
    "single-point-of-failure",
    "replication-factor-one",
    "min-insync-replicas-too-high",
    "consensus-cluster-too-small",
    "missing-backup",
    "untested-restore",
    "missing-monitoring",
    "missing-tracing",
    "missing-load-parameters",
    "exposed-datastore-port",
    "unauthenticated-datastore",
    "ephemeral-datastore-storage",
    "plaintext-secret",
    "unpinned-image",
    "missing-healthcheck",
    "depends-on-without-health-condition",
    "replicas-without-anti-affinity",
    "missing-disruption-budget",
];

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    select: Option<Vec<String>>,
    #[serde(default)]
    extend_select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, SeverityName>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    extend_exclude: Vec<String>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<String>>,
    profile: Option<Profile>,
    /// Files above this size are not analysed.
    max_file_size: Option<crate::settings::FileSize>,
}

/// Files excluded by default, as ruff does for its own tool directories.
const DEFAULT_EXCLUDE: &[&str] = &["**/node_modules/**", "**/.git/**", "**/target/**"];

/// A loaded configuration.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    /// The directory globs are relative to.
    pub root: PathBuf,
    /// What the file sets: rule selection, severities, profile and size limit.
    pub layer: SettingsLayer,
    exclude: GlobSet,
    /// Each `per-file-ignores` pattern as written, its globs and its codes.
    per_file: Vec<(String, GlobSet, Vec<String>)>,
}

/// An error in a configuration file: `path:line:column: message` (without a position
/// when the file could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// The 1-based line and column the error is at.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl ConfigError {
    fn at(path: &Path, text: &str, offset: usize, message: String) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            position: Some(line_col(text, offset)),
            message,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some((line, column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.path.display(),
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

fn glob_set(path: &Path, text: &str, patterns: &[String]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // A pattern without a slash matches at any depth, as in .gitignore; a pattern
        // that names a directory also matches everything below it.
        let full = if pattern.contains('/') {
            pattern
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned()
        } else {
            format!("**/{pattern}")
        };
        for candidate in [full.clone(), format!("{full}/**")] {
            let glob = Glob::new(&candidate).map_err(|error| {
                let offset = text.find(pattern.as_str()).unwrap_or(0);
                ConfigError::at(
                    path,
                    text,
                    offset,
                    format!("invalid glob `{pattern}`: {error}"),
                )
            })?;
            builder.add(glob);
        }
    }
    builder.build().map_err(|error| ConfigError {
        path: path.to_path_buf(),
        position: None,
        message: error.to_string(),
    })
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            path: path.to_path_buf(),
            position: None,
            message: format!("cannot read: {error}"),
        })?;
        Config::parse(path, &text)
    }

    /// Checks a configuration's text (`path` names it in errors and anchors its globs).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            ConfigError::at(path, text, offset, error.message().trim_end().to_owned())
        })?;
        let settings = Settings {
            select: file.select,
            extend_select: file.extend_select,
            ignore: file.ignore,
            severity: file.severity.into_iter().collect(),
        };
        let mut unknown = settings.unknown_selectors();
        for codes in file.per_file_ignores.values() {
            let probe = Settings {
                ignore: codes.clone(),
                ..Settings::default()
            };
            unknown.extend(probe.unknown_selectors());
        }
        if let Some(selector) = unknown.first() {
            let offset = text
                .find(&format!("\"{selector}\""))
                .or_else(|| text.find(selector.as_str()))
                .unwrap_or(0);
            let known: Vec<&str> = crate::rules::ALL_RULES.iter().map(|r| r.code).collect();
            let hint = crate::model::suggest::closest(selector, &known)
                .map(|code| format!("; did you mean `{code}`?"))
                .unwrap_or_else(|| "; `ddia rules` lists the codes".to_owned());
            return Err(ConfigError::at(
                path,
                text,
                offset,
                format!("unknown rule code or category `{selector}`{hint}"),
            ));
        }
        let mut exclude_patterns: Vec<String> = if file.exclude.is_empty() {
            DEFAULT_EXCLUDE.iter().map(|p| (*p).to_owned()).collect()
        } else {
            file.exclude
        };
        exclude_patterns.extend(file.extend_exclude);
        let exclude = glob_set(path, text, &exclude_patterns)?;
        let per_file = file
            .per_file_ignores
            .into_iter()
            .map(|(pattern, codes)| {
                let globs = glob_set(path, text, std::slice::from_ref(&pattern))?;
                Ok((pattern, globs, codes))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Config {
            root: path.parent().map_or_else(PathBuf::new, Path::to_path_buf),
            path: path.to_path_buf(),
            layer: SettingsLayer {
                select: settings.select,
                extend_select: settings.extend_select,
                ignore: settings.ignore,
                severity: settings.severity.into_iter().collect(),
                profile: file.profile,
                max_file_size: file.max_file_size.map(|size| size.0),
            },
            exclude,
            per_file,
        })
    }

    fn relative<'p>(&self, file: &'p Path) -> &'p Path {
        file.strip_prefix(&self.root).unwrap_or(file)
    }

    /// Whether a file is excluded from checking.
    pub fn excluded(&self, file: &Path) -> bool {
        self.exclude.is_match(self.relative(file))
    }

    /// The `per-file-ignores` entries whose pattern matches `file`: the pattern as
    /// written and its codes.
    pub fn per_file_ignores<'c>(&'c self, file: &Path) -> Vec<(&'c str, &'c [String])> {
        let relative = self.relative(file);
        self.per_file
            .iter()
            .filter(|(_, globs, _)| globs.is_match(relative))
            .map(|(pattern, _, codes)| (pattern.as_str(), codes.as_slice()))
            .collect()
    }
}

/// The profile a file opts into with a `# ddia: profile=development` comment.
pub fn profile_of(text: &str) -> Option<Profile> {
    // Only lines that contain `profile` can choose one: find those without walking
    // every line (this runs on each keystroke).
    memchr::memmem::find_iter(text.as_bytes(), b"profile").find_map(|at| {
        let start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
        let end = text[at..]
            .find('\n')
            .map_or(text.len(), |newline| at + newline);
        let line = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        let comment = line.trim_start().strip_prefix('#')?.trim_start();
        let value = comment
            .strip_prefix("ddia:")?
            .trim_start()
            .strip_prefix("profile")?;
        match value
            .trim_start_matches([' ', '='])
            .split_whitespace()
            .next()?
        {
            "development" => Some(Profile::Development),
            "production" => Some(Profile::Production),
            _ => None,
        }
    })
}

/// The nearest `ddia.toml` in `dir` or one of its parents, up to the root of the
/// repository that holds `dir` (a folder with `.git`) or the user's home, whichever
/// comes first: a `ddia.toml` planted above either (in `/tmp`, say) never configures
/// the check. Outside any repository and home, every parent is searched.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from);
    let mut current = Some(dir);
    while let Some(dir) = current {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        let boundary = dir.join(".git").exists() || home.as_deref() == Some(dir);
        if boundary {
            return None;
        }
        current = dir.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/repo/ddia.toml"), text)
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            r#"
select = ["replication", "missing-backup"]
ignore = ["last-write-wins"]
exclude = ["generated/**"]
profile = "development"

[severity]
missing-backup = "error"

[per-file-ignores]
"dev/*.yaml" = ["exposed-datastore-port"]
"#,
        )
        .expect("a valid configuration");
        assert_eq!(config.layer.profile, Some(Profile::Development));
        assert!(config.excluded(Path::new("/repo/generated/a/b.yaml")));
        assert!(!config.excluded(Path::new("/repo/specs/a.yaml")));
        assert_eq!(
            config.per_file_ignores(Path::new("/repo/dev/compose.yaml")),
            [(
                "dev/*.yaml",
                ["exposed-datastore-port".to_owned()].as_slice()
            )]
        );
        assert!(
            config
                .per_file_ignores(Path::new("/repo/a.yaml"))
                .is_empty()
        );
        assert_eq!(config.layer.ignore, ["last-write-wins"]);
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let error = parse("select = [\"replication\"]\nignroe = []\n").expect_err("unknown key");
        assert!(
            error
                .to_string()
                .starts_with("/repo/ddia.toml:2:1: unknown field `ignroe`"),
            "{}",
            error
        );
        let error = parse("ignore = \"missing-backup\"\n").expect_err("wrong type");
        assert!(
            error
                .to_string()
                .starts_with("/repo/ddia.toml:1:10: invalid type"),
            "{}",
            error
        );
        let error = parse("\nignore = [\"missing-bakup\"]\n").expect_err("unknown code");
        assert_eq!(
            error.to_string(),
            "/repo/ddia.toml:2:11: unknown rule code or category `missing-bakup`; did you mean `missing-backup`?"
        );
        let error = parse("[severity]\nmissing-backup = \"fatal\"\n").expect_err("bad severity");
        assert!(
            error
                .to_string()
                .starts_with("/repo/ddia.toml:2:18: unknown variant `fatal`"),
            "{}",
            error
        );
    }

    #[test]
    fn the_published_schema_names_exactly_the_keys_read() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../grammars/ddia-toml.schema.json"))
                .expect("the schema is JSON");
        let properties = schema["properties"].as_object().expect("properties");
        let mut toml_text = String::new();
        for (key, property) in properties {
            let value = match property["type"].as_str() {
                Some("array") => "[]".to_owned(),
                Some("object") => "{}".to_owned(),
                None if property["type"].is_array() => {
                    format!("{:?}", property["default"].as_str().expect("a default"))
                }
                _ => format!("{:?}", property["enum"][0].as_str().expect("an enum")),
            };
            toml_text.push_str(&format!("{key} = {value}\n"));
        }
        parse(&toml_text).expect("every key of the schema is accepted");
        assert_eq!(
            properties.len(),
            9,
            "the schema and ConfigFile list the same 9 keys"
        );
    }

    #[test]
    fn a_file_opts_into_a_profile_with_a_comment() {
        assert_eq!(
            profile_of("# ddia: profile=development\nservices: {}\n"),
            Some(Profile::Development)
        );
        assert_eq!(profile_of("services: {}\n"), None);
    }
}
