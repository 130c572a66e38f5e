//! One resolution of a file's settings for every front end: the nearest `ddia.toml`, its
//! per-file ignores and profile, the file's own profile comment, and the command line's or
//! the editor's settings, layered by one policy and remembered with where each came from.
//!
//! The policy, as ruff's: the command line always wins over `ddia.toml`. An editor's
//! settings and `ddia.toml` are combined by [`ConfigurationPreference`]; the default,
//! `filesystemFirst`, lets `ddia.toml` win where both say something, so the editor shows
//! what CI reports. Within the layers, a later `select` replaces the earlier selection
//! and ignores, `extend-select` and `ignore` add, and a later severity for the same code
//! wins. The profile is the command line's, else the file's `# ddia: profile=…`
//! comment, else the layers'.

use crate::config::{Config, ConfigError, DEVELOPMENT_QUIETS, Profile};
use crate::settings::{Settings, SeverityName};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How an editor's settings and `ddia.toml` combine (ruff's `configurationPreference`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConfigurationPreference {
    /// `ddia.toml` wins where both set something; the editor fills in the rest.
    #[default]
    FilesystemFirst,
    /// The editor wins where both set something.
    EditorFirst,
    /// `ddia.toml` is not read at all.
    EditorOnly,
}

/// What one source of settings says: `ddia.toml`, the editor or the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsLayer {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, SeverityName>,
    pub profile: Option<Profile>,
    pub max_file_size: Option<usize>,
}

impl SettingsLayer {
    /// Selectors that name no rule and no category.
    pub fn unknown_selectors(&self) -> Vec<String> {
        self.rules().unknown_selectors()
    }

    /// The rule settings of this layer alone.
    pub fn rules(&self) -> Settings {
        Settings {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severity: self
                .severity
                .iter()
                .map(|(code, severity)| (code.clone(), *severity))
                .collect(),
        }
    }

    /// A layer made of rule settings (an editor's).
    pub fn from_rules(settings: Settings) -> SettingsLayer {
        SettingsLayer {
            select: settings.select,
            extend_select: settings.extend_select,
            ignore: settings.ignore,
            severity: settings.severity.into_iter().collect(),
            profile: None,
            max_file_size: None,
        }
    }
}

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Nobody set it.
    Default,
    /// A configuration file.
    ConfigFile(PathBuf),
    /// A `per-file-ignores` pattern of a configuration file.
    PerFileIgnores { config: PathBuf, pattern: String },
    /// The editor's settings.
    Editor,
    /// The command line.
    CommandLine,
    /// The file's own `# ddia: profile=…` comment.
    FileComment,
    /// The development profile's quieted rules.
    Profile,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::ConfigFile(path) => f.write_str(&shown(path)),
            Origin::PerFileIgnores { config, pattern } => write!(
                f,
                "per-file-ignores \"{}\" in {}",
                crate::text::printable(pattern),
                shown(config)
            ),
            Origin::Editor => f.write_str("editor settings"),
            Origin::CommandLine => f.write_str("command line"),
            Origin::FileComment => f.write_str("the file's `# ddia: profile` comment"),
            Origin::Profile => f.write_str("development profile"),
        }
    }
}

/// A path for one line of text.
fn shown(path: &Path) -> String {
    crate::text::printable(&path.display().to_string()).into_owned()
}

/// The settings of one file, and where each part came from.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// What the rules are filtered and graded with.
    pub settings: Settings,
    pub profile: Profile,
    pub max_file_size: usize,
    /// The configuration file used, if any.
    pub config: Option<Arc<Config>>,
    /// `select` and where it came from (`None`: every rule).
    pub select: (Option<Vec<String>>, Origin),
    pub extend_select: Vec<(String, Origin)>,
    pub ignore: Vec<(String, Origin)>,
    pub severity: BTreeMap<String, (SeverityName, Origin)>,
    pub profile_origin: Origin,
    pub max_file_size_origin: Origin,
}

/// Who gives the settings that are not in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FrontEnd {
    CommandLine,
    Editor(ConfigurationPreference),
}

/// The configuration a folder has: none, one, or one that cannot be used.
type Found = Result<Option<Arc<Config>>, ConfigError>;

/// Resolves settings for files, finding and caching the `ddia.toml` of each directory.
pub struct Resolver {
    front_end: FrontEnd,
    outside: SettingsLayer,
    /// `--config` or `--isolated`: the same configuration (or none) for every file.
    fixed: Option<Option<Arc<Config>>>,
    by_dir: Mutex<HashMap<PathBuf, Found>>,
}

impl Resolver {
    /// For the command line: its settings over the nearest `ddia.toml`, or over `fixed`
    /// when given (`Some(None)` for `--isolated`).
    pub fn command_line(layer: SettingsLayer, fixed: Option<Option<Arc<Config>>>) -> Resolver {
        Resolver {
            front_end: FrontEnd::CommandLine,
            outside: layer,
            fixed,
            by_dir: Mutex::new(HashMap::new()),
        }
    }

    /// For an editor: its settings combined with the nearest `ddia.toml` by `preference`.
    pub fn editor(layer: SettingsLayer, preference: ConfigurationPreference) -> Resolver {
        Resolver {
            front_end: FrontEnd::Editor(preference),
            outside: layer,
            fixed: (preference == ConfigurationPreference::EditorOnly).then_some(None),
            by_dir: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration that applies to `file` (found by walking up from its folder),
    /// or the error that makes it unusable.
    pub fn config_for(&self, file: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let directory = std::path::absolute(file)
            .ok()
            .and_then(|path| path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        if let Ok(cache) = self.by_dir.lock()
            && let Some(found) = cache.get(&directory)
        {
            return found.clone();
        }
        let found = match crate::config::discover(&directory) {
            Some(path) => Config::load(&path).map(|config| Some(Arc::new(config))),
            None => Ok(None),
        };
        if let Ok(mut cache) = self.by_dir.lock() {
            cache.insert(directory, found.clone());
        }
        found
    }

    /// Forgets every configuration read: the next file reads them again.
    pub fn forget_configs(&self) {
        if let Ok(mut cache) = self.by_dir.lock() {
            cache.clear();
        }
    }

    /// The configurations read so far that have errors, once each.
    pub fn config_errors(&self) -> Vec<ConfigError> {
        let mut errors: Vec<ConfigError> = self
            .by_dir
            .lock()
            .map(|cache| {
                cache
                    .values()
                    .filter_map(|found| found.as_ref().err().cloned())
                    .collect()
            })
            .unwrap_or_default();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        errors.dedup();
        errors
    }

    /// The settings for `file` (`None`: standard input with no name) with text `text`.
    /// A configuration with errors counts as absent here; [`Resolver::config_for`] and
    /// [`Resolver::config_errors`] report it.
    pub fn resolve(&self, file: Option<&Path>, text: &str) -> Resolved {
        // Per-file ignores are relative to the configuration's folder.
        let absolute =
            file.map(|file| std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()));
        let file = absolute.as_deref();
        let config = match file {
            Some(file) => self.config_for(file).ok().flatten(),
            None => self.fixed.clone().flatten(),
        };
        resolve_with(
            config,
            file,
            text,
            &self.outside,
            match self.front_end {
                FrontEnd::CommandLine => Origin::CommandLine,
                FrontEnd::Editor(_) => Origin::Editor,
            },
            match self.front_end {
                FrontEnd::CommandLine | FrontEnd::Editor(ConfigurationPreference::EditorFirst) => {
                    true
                }
                FrontEnd::Editor(_) => false,
            },
        )
    }
}

/// Layers `config` and `outside` (`outside_wins`: which is on top), then per-file ignores,
/// the profile and the size limit.
fn resolve_with(
    config: Option<Arc<Config>>,
    file: Option<&Path>,
    text: &str,
    outside: &SettingsLayer,
    outside_origin: Origin,
    outside_wins: bool,
) -> Resolved {
    let mut layers: Vec<(&SettingsLayer, Origin)> = Vec::with_capacity(2);
    let config_layer = config
        .as_deref()
        .map(|config| (&config.layer, Origin::ConfigFile(config.path.clone())));
    if outside_wins {
        layers.extend(config_layer);
        layers.push((outside, outside_origin.clone()));
    } else {
        layers.push((outside, outside_origin.clone()));
        layers.extend(config_layer);
    }
    let mut select: (Option<Vec<String>>, Origin) = (None, Origin::Default);
    let mut extend_select: Vec<(String, Origin)> = Vec::new();
    let mut ignore: Vec<(String, Origin)> = Vec::new();
    let mut severity: BTreeMap<String, (SeverityName, Origin)> = BTreeMap::new();
    let mut layered_profile: (Option<Profile>, Origin) = (None, Origin::Default);
    let mut max_file_size: (Option<usize>, Origin) = (None, Origin::Default);
    for (layer, origin) in &layers {
        if let Some(selected) = &layer.select {
            select = (Some(selected.clone()), origin.clone());
            extend_select.clear();
            ignore.clear();
        }
        // `extend-select` brings back what an earlier layer ignored.
        ignore.retain(|(ignored, _)| !layer.extend_select.contains(ignored));
        extend_select.extend(
            layer
                .extend_select
                .iter()
                .map(|code| (code.clone(), origin.clone())),
        );
        ignore.extend(
            layer
                .ignore
                .iter()
                .map(|code| (code.clone(), origin.clone())),
        );
        for (code, level) in &layer.severity {
            severity.insert(code.clone(), (*level, origin.clone()));
        }
        if let Some(profile) = layer.profile {
            layered_profile = (Some(profile), origin.clone());
        }
        if let Some(size) = layer.max_file_size {
            max_file_size = (Some(size), origin.clone());
        }
    }
    if let (Some(config), Some(file)) = (&config, file) {
        for (pattern, codes) in config.per_file_ignores(file) {
            let origin = Origin::PerFileIgnores {
                config: config.path.clone(),
                pattern: pattern.to_owned(),
            };
            ignore.extend(codes.iter().map(|code| (code.clone(), origin.clone())));
        }
    }
    let command_line_profile = (outside_origin == Origin::CommandLine)
        .then_some(outside.profile)
        .flatten();
    let (profile, profile_origin) = match (command_line_profile, crate::config::profile_of(text)) {
        (Some(profile), _) => (profile, Origin::CommandLine),
        (None, Some(profile)) => (profile, Origin::FileComment),
        (None, None) => (
            layered_profile.0.unwrap_or_default(),
            layered_profile.1.clone(),
        ),
    };
    if profile == Profile::Development {
        ignore.extend(
            DEVELOPMENT_QUIETS
                .iter()
                .map(|code| ((*code).to_owned(), Origin::Profile)),
        );
    }
    let settings = Settings {
        select: select.0.clone(),
        extend_select: extend_select.iter().map(|(code, _)| code.clone()).collect(),
        ignore: ignore.iter().map(|(code, _)| code.clone()).collect(),
        severity: severity
            .iter()
            .map(|(code, (level, _))| (code.clone(), *level))
            .collect(),
    };
    Resolved {
        settings,
        profile,
        max_file_size: max_file_size
            .0
            .unwrap_or(crate::analysis::DEFAULT_MAX_FILE_SIZE),
        config,
        select,
        extend_select,
        ignore,
        severity,
        profile_origin,
        max_file_size_origin: max_file_size.1,
    }
}

impl Resolved {
    /// The resolved settings as lines of text, each value with where it came from
    /// (`ddia check --show-settings`).
    pub fn describe(&self, file: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "Settings for {}", crate::text::printable(file));
        let config = self
            .config
            .as_ref()
            .map_or_else(|| "none".to_owned(), |c| shown(&c.path));
        let _ = writeln!(out, "  configuration file: {config}");
        let _ = writeln!(
            out,
            "  profile: {} ({})",
            match self.profile {
                Profile::Production => "production",
                Profile::Development => "development",
            },
            self.profile_origin
        );
        match &self.select {
            (Some(codes), origin) => {
                let _ = writeln!(out, "  select: {} ({origin})", codes.join(", "));
            }
            (None, _) => {
                let _ = writeln!(out, "  select: every rule (default)");
            }
        }
        let mut list = |name: &str, entries: &[(String, Origin)]| {
            if entries.is_empty() {
                let _ = writeln!(out, "  {name}: none");
                return;
            }
            let _ = writeln!(out, "  {name}:");
            for (code, origin) in entries {
                let _ = writeln!(out, "    {code} ({origin})");
            }
        };
        list("extend-select", &self.extend_select);
        list("ignore", &self.ignore);
        if self.severity.is_empty() {
            let _ = writeln!(out, "  severity: as each rule declares");
        } else {
            let _ = writeln!(out, "  severity:");
            for (code, (level, origin)) in &self.severity {
                let level = match level {
                    SeverityName::Error => "error",
                    SeverityName::Warning => "warning",
                    SeverityName::Info => "info",
                };
                let _ = writeln!(out, "    {code} = {level} ({origin})");
            }
        }
        let _ = writeln!(
            out,
            "  max-file-size: {} ({})",
            crate::analysis::human_size(self.max_file_size),
            self.max_file_size_origin
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Arc<Config> {
        Arc::new(Config::parse(Path::new("/repo/ddia.toml"), text).expect("a valid configuration"))
    }

    fn layer(json: serde_json::Value) -> SettingsLayer {
        SettingsLayer::from_rules(serde_json::from_value(json).expect("valid settings"))
    }

    fn resolve(
        config: &Arc<Config>,
        outside: &SettingsLayer,
        origin: Origin,
        outside_wins: bool,
        text: &str,
    ) -> Resolved {
        resolve_with(
            Some(config.clone()),
            Some(Path::new("/repo/dev/compose.yaml")),
            text,
            outside,
            origin,
            outside_wins,
        )
    }

    #[test]
    fn the_file_wins_by_default_and_the_editor_fills_in() {
        let config = config(
            "ignore = [\"missing-backup\"]\n[severity]\nmissing-backup = \"error\"\nunpinned-image = \"warning\"\n",
        );
        let editor = layer(serde_json::json!({
            "ignore": ["last-write-wins"],
            "severity": {"unpinned-image": "info", "missing-healthcheck": "error"}
        }));
        let resolved = resolve(&config, &editor, Origin::Editor, false, "");
        assert_eq!(
            resolved.settings.ignore,
            ["last-write-wins", "missing-backup"],
            "one editor ignore no longer replaces the file's"
        );
        assert_eq!(
            resolved.severity["unpinned-image"],
            (
                SeverityName::Warning,
                Origin::ConfigFile(PathBuf::from("/repo/ddia.toml"))
            )
        );
        assert_eq!(
            resolved.severity["missing-healthcheck"],
            (SeverityName::Error, Origin::Editor)
        );
        let editor_first = resolve(&config, &editor, Origin::Editor, true, "");
        assert_eq!(
            editor_first.severity["unpinned-image"],
            (SeverityName::Info, Origin::Editor)
        );
    }

    #[test]
    fn a_later_select_replaces_and_extend_select_brings_back() {
        let config = config("select = [\"replication\"]\nignore = [\"last-write-wins\"]\n");
        let command_line = SettingsLayer {
            extend_select: vec!["last-write-wins".to_owned(), "missing-backup".to_owned()],
            ..SettingsLayer::default()
        };
        let resolved = resolve(&config, &command_line, Origin::CommandLine, true, "");
        assert_eq!(
            resolved.settings.select,
            Some(vec!["replication".to_owned()])
        );
        assert!(resolved.settings.ignore.is_empty());
        assert!(resolved.settings.enabled("last-write-wins"));
        assert!(resolved.settings.enabled("missing-backup"));
        let select = SettingsLayer {
            select: Some(vec!["missing-backup".to_owned()]),
            ..SettingsLayer::default()
        };
        let resolved = resolve(&config, &select, Origin::CommandLine, true, "");
        assert!(resolved.settings.enabled("missing-backup"));
        assert!(!resolved.settings.enabled("last-write-wins"));
    }

    #[test]
    fn the_profile_is_applied_once_with_its_origin() {
        let config = config(
            "profile = \"development\"\n[per-file-ignores]\n\"dev/*\" = [\"plaintext-secret\"]\n",
        );
        let resolved = resolve(
            &config,
            &SettingsLayer::default(),
            Origin::Editor,
            false,
            "",
        );
        assert_eq!(resolved.profile, Profile::Development);
        assert_eq!(
            resolved
                .settings
                .ignore
                .iter()
                .filter(|code| *code == "single-point-of-failure")
                .count(),
            1
        );
        assert!(resolved.ignore.contains(&(
            "plaintext-secret".to_owned(),
            Origin::PerFileIgnores {
                config: PathBuf::from("/repo/ddia.toml"),
                pattern: "dev/*".to_owned()
            }
        )));
        let comment = resolve(
            &config,
            &SettingsLayer::default(),
            Origin::Editor,
            false,
            "# ddia: profile=production\n",
        );
        assert_eq!(
            (comment.profile, comment.profile_origin),
            (Profile::Production, Origin::FileComment)
        );
        let command_line = SettingsLayer {
            profile: Some(Profile::Development),
            ..SettingsLayer::default()
        };
        let forced = resolve(
            &config,
            &command_line,
            Origin::CommandLine,
            true,
            "# ddia: profile=production\n",
        );
        assert_eq!(
            (forced.profile, forced.profile_origin),
            (Profile::Development, Origin::CommandLine)
        );
    }

    #[test]
    fn describe_names_every_origin() {
        let config = config("ignore = [\"missing-backup\"]\nmax-file-size = \"1MB\"\n");
        let command_line = SettingsLayer {
            ignore: vec!["unpinned-image".to_owned()],
            ..SettingsLayer::default()
        };
        let text = resolve(&config, &command_line, Origin::CommandLine, true, "")
            .describe("dev/compose.yaml");
        assert_eq!(
            text,
            "Settings for dev/compose.yaml
  configuration file: /repo/ddia.toml
  profile: production (default)
  select: every rule (default)
  extend-select: none
  ignore:
    missing-backup (/repo/ddia.toml)
    unpinned-image (command line)
  severity: as each rule declares
  max-file-size: 1.0 MB (/repo/ddia.toml)
"
        );
    }
}
