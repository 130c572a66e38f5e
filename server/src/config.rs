//! The project configuration file, `ddia.toml`: rule selection, severities, excluded
//! files, per-file ignores and the profile. Found by walking up from a checked file
//! (or the workspace root); every mistake in it is an error naming the file, the line
//! and the key, never silently accepted.

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
    #[serde(default)]
    profile: Profile,
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
    pub settings: Settings,
    pub profile: Profile,
    /// `max-file-size`: files above it are not analysed.
    pub max_file_size: Option<usize>,
    exclude: GlobSet,
    per_file: Vec<(GlobSet, Vec<String>)>,
}

/// An error in a configuration file: `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
                let (line, column) = line_col(text, offset);
                ConfigError(format!(
                    "{}:{line}:{column}: invalid glob `{pattern}`: {error}",
                    path.display()
                ))
            })?;
            builder.add(glob);
        }
    }
    builder
        .build()
        .map_err(|error| ConfigError(format!("{}: {error}", path.display())))
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| ConfigError(format!("{}: cannot read: {error}", path.display())))?;
        Config::parse(path, &text)
    }

    /// Checks a configuration's text (`path` names it in errors and anchors its globs).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file: ConfigFile = toml::from_str(text).map_err(|error| {
            let (line, column) = error
                .span()
                .map_or((1, 1), |span| line_col(text, span.start));
            ConfigError(format!(
                "{}:{line}:{column}: {}",
                path.display(),
                error.message().trim_end()
            ))
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
            let (line, column) = line_col(text, offset);
            let known: Vec<&str> = crate::rules::ALL_RULES.iter().map(|r| r.code).collect();
            let hint = crate::model::suggest::closest(selector, &known)
                .map(|code| format!("; did you mean `{code}`?"))
                .unwrap_or_else(|| "; `ddia rules` lists the codes".to_owned());
            return Err(ConfigError(format!(
                "{}:{line}:{column}: unknown rule code or category `{selector}`{hint}",
                path.display()
            )));
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
            .map(|(pattern, codes)| Ok((glob_set(path, text, &[pattern])?, codes)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Config {
            root: path.parent().map_or_else(PathBuf::new, Path::to_path_buf),
            path: path.to_path_buf(),
            settings,
            profile: file.profile,
            max_file_size: file.max_file_size.map(|size| size.0),
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

    /// The settings for one file: the file's own, its per-file ignores, and the
    /// profile (the file's `# ddia: profile=development` comment wins).
    pub fn settings_for(&self, file: &Path, text: &str) -> Settings {
        self.settings_with(file, text, &RuleOverrides::default())
    }

    /// [`Config::settings_for`] with the command line's selection and profile over the
    /// file's.
    pub fn settings_with(&self, file: &Path, text: &str, overrides: &RuleOverrides) -> Settings {
        let mut settings = overrides.over(self.settings.clone());
        let relative = self.relative(file);
        for (globs, codes) in &self.per_file {
            if globs.is_match(relative) {
                settings.ignore.extend(codes.iter().cloned());
            }
        }
        let profile = overrides
            .profile
            .or_else(|| profile_of(text))
            .unwrap_or(self.profile);
        apply_profile(&mut settings, profile);
        settings
    }
}

/// Rule selection and profile from the command line, over a configuration's (as ruff
/// layers them): `select` replaces the configuration's selection and ignores,
/// `extend-select` adds rules (also ones the configuration ignores), `ignore` removes
/// more.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleOverrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub profile: Option<Profile>,
}

impl RuleOverrides {
    /// `settings` with these over them.
    pub fn over(&self, mut settings: Settings) -> Settings {
        if let Some(select) = &self.select {
            settings.select = Some(select.clone());
            settings.extend_select.clear();
            settings.ignore.clear();
        }
        settings
            .ignore
            .retain(|ignored| !self.extend_select.contains(ignored));
        settings
            .extend_select
            .extend(self.extend_select.iter().cloned());
        settings.ignore.extend(self.ignore.iter().cloned());
        settings
    }

    /// Selectors that name no rule and no category.
    pub fn unknown_selectors(&self) -> Vec<String> {
        Settings {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            ..Settings::default()
        }
        .unknown_selectors()
    }
}

/// Adds a profile's quieted rules to the ignored ones.
pub fn apply_profile(settings: &mut Settings, profile: Profile) {
    if profile == Profile::Development {
        settings
            .ignore
            .extend(DEVELOPMENT_QUIETS.iter().map(|code| (*code).to_owned()));
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
        assert_eq!(config.profile, Profile::Development);
        assert!(config.excluded(Path::new("/repo/generated/a/b.yaml")));
        assert!(!config.excluded(Path::new("/repo/specs/a.yaml")));
        let settings = config.settings_for(Path::new("/repo/dev/compose.yaml"), "");
        assert!(
            settings
                .ignore
                .contains(&"exposed-datastore-port".to_owned())
        );
        assert!(
            settings
                .ignore
                .contains(&"single-point-of-failure".to_owned()),
            "development profile"
        );
        let production =
            config.settings_for(Path::new("/repo/a.yaml"), "# ddia: profile=production\n");
        assert!(
            !production
                .ignore
                .contains(&"single-point-of-failure".to_owned())
        );
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let error = parse("select = [\"replication\"]\nignroe = []\n").expect_err("unknown key");
        assert!(
            error
                .0
                .starts_with("/repo/ddia.toml:2:1: unknown field `ignroe`"),
            "{}",
            error.0
        );
        let error = parse("ignore = \"missing-backup\"\n").expect_err("wrong type");
        assert!(
            error.0.starts_with("/repo/ddia.toml:1:10: invalid type"),
            "{}",
            error.0
        );
        let error = parse("\nignore = [\"missing-bakup\"]\n").expect_err("unknown code");
        assert_eq!(
            error.0,
            "/repo/ddia.toml:2:11: unknown rule code or category `missing-bakup`; did you mean `missing-backup`?"
        );
        let error = parse("[severity]\nmissing-backup = \"fatal\"\n").expect_err("bad severity");
        assert!(
            error
                .0
                .starts_with("/repo/ddia.toml:2:18: unknown variant `fatal`"),
            "{}",
            error.0
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
