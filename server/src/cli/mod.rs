//! The command-line front end: `ddia check`, `ddia review`, `ddia graph`, `ddia rules`, `ddia explain`, `ddia completions`, `ddia man`.

mod check;
mod design;
mod files;
mod fix;
mod render_full;
mod render_json;
mod render_other;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Reviews the design of data systems: system specs, Compose files, Kubernetes manifests.
#[derive(Debug, Parser)]
#[command(name = "ddia", version = env!("DDIA_LONG_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (recursively, honouring .gitignore) for design problems.
    Check(CheckArgs),
    /// List every rule with its code, severity, category and summary.
    Rules {
        /// How to print the rules.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        output_format: RulesFormat,
        /// The same as `--output-format json`.
        #[arg(long, hide = true, conflicts_with = "output_format")]
        json: bool,
    },
    /// Show the documentation of a rule.
    Explain {
        /// The rule's code, such as `non-overlapping-quorums`.
        code: String,
    },
    /// Print the design-review checklist of a file: each item covered or missing, with the line that covers it.
    Review {
        /// A system spec (Compose and Kubernetes files get mostly missing items).
        file: PathBuf,
        /// How to print the checklist.
        #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
        output_format: ReviewFormat,
    },
    /// Print the dependency graph of a file, highlighting single points of failure and findings.
    Graph {
        /// A system spec, Compose file or Kubernetes manifest.
        file: PathBuf,
        /// The graph language (`--format` is accepted too).
        #[arg(long = "output-format", alias = "format", value_enum, default_value_t = GraphFormatArg::Mermaid)]
        format: GraphFormatArg,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `ddia man > ddia.1`.
    Man,
    /// Run the language server over stdin and stdout (for editors).
    #[command(alias = "server")]
    Lsp {
        /// Accepted for clients that always pass it: stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("fix_or_diff").args(["fix", "diff"]).multiple(true))]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// The file name to assume for standard input (decides the file kind and the name shown).
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Exit with status 0 even when there are findings (errors of use or reading still
    /// give 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Only these rules run (codes or categories, comma-separated), instead of the
    /// configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Rules that run in addition to the selection (codes or categories).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Rules that do not run, in addition to the configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// The profile for every file, over the configuration's and the files' own
    /// (`# ddia: profile=development`).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Print the findings only: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output_file: Option<PathBuf>,
    /// Use this configuration file instead of the nearest `ddia.toml`.
    #[arg(long, conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// Apply the safe fixes to the files.
    #[arg(long)]
    pub fix: bool,
    /// With `--fix` or `--diff`: the unsafe fixes too (they change the design: review
    /// the result).
    #[arg(long, requires = "fix_or_diff")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    pub diff: bool,
    /// Add a suppression comment for every current finding (a baseline).
    #[arg(long, conflicts_with_all = ["fix", "unsafe_fixes", "diff"])]
    pub add_ignore: bool,
    /// Skip files larger than this (bytes, or with a unit: 512KB, 20MB) with one note;
    /// overrides `max-file-size` in ddia.toml [default: 20MB].
    #[arg(long, value_name = "SIZE", value_parser = parse_file_size)]
    pub max_file_size: Option<usize>,
    /// Check again whenever a YAML file or a `ddia.toml` under the paths changes,
    /// clearing the screen first (stop with Ctrl-C).
    #[arg(long, conflicts_with_all = ["diff", "add_ignore", "show_settings", "output_file"])]
    pub watch: bool,
    /// Print the settings each file is checked with, and where each came from, instead
    /// of checking.
    #[arg(long, conflicts_with_all = ["fix", "diff", "add_ignore", "statistics"])]
    pub show_settings: bool,
    /// Apply `exclude` and `extend-exclude` to files named on the command line too
    /// (pre-commit and editors pass files one by one).
    #[arg(long)]
    pub force_exclude: bool,
}

/// How `ddia rules` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule: code, severity, category, summary.
    Text,
    /// A JSON array with each rule's code, severity, category, summary, fix and URL.
    Json,
}

/// The profiles on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Everything is reported (the default).
    Production,
    /// A single-host development stack: what it does on purpose is quiet.
    Development,
}

impl From<ProfileArg> for crate::config::Profile {
    fn from(profile: ProfileArg) -> Self {
        match profile {
            ProfileArg::Production => crate::config::Profile::Production,
            ProfileArg::Development => crate::config::Profile::Development,
        }
    }
}

impl CheckArgs {
    /// The rule selection, profile and size limit given on the command line.
    pub fn overrides(&self) -> crate::resolve::SettingsLayer {
        crate::resolve::SettingsLayer {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severity: std::collections::BTreeMap::new(),
            profile: self.profile.map(Into::into),
            max_file_size: self.max_file_size,
        }
    }
}

fn parse_file_size(text: &str) -> Result<usize, String> {
    text.parse::<crate::settings::FileSize>().map(|size| size.0)
}

/// How `ddia review` prints the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// A table grouped by part of the review.
    Text,
    /// One JSON object with the items.
    Json,
}

/// The graph language of `ddia graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormatArg {
    /// A Mermaid flowchart (renders on GitHub and in many Markdown viewers).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
}

/// The lowest severity that fails the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Each finding with its source line and a caret underline.
    Full,
    /// One JSON array of findings.
    Json,
    /// One line per finding: `path:line:col: severity[code] message`.
    Concise,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps ...).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitLab Code Quality report.
    Gitlab,
}

/// Exit statuses, as documented in the README.
pub mod exit {
    /// No error or warning findings.
    pub const CLEAN: u8 = 0;
    /// At least one error or warning finding.
    pub const FINDINGS: u8 = 1;
    /// A usage, I/O or configuration error.
    pub const FAILURE: u8 = 2;
}

/// Runs the command line; returns the process's exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            let code = if error.use_stderr() {
                exit::FAILURE
            } else {
                exit::CLEAN
            };
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Lsp { .. } => return crate::lsp::run_stdio(),
        Command::Check(args) => check::run(&args),
        Command::Review {
            file,
            output_format,
        } => design::review(&file, output_format),
        Command::Graph { file, format } => design::graph(&file, format),
        Command::Rules {
            output_format,
            json,
        } => rules(json || output_format == RulesFormat::Json),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "ddia", &mut std::io::stdout());
            exit::CLEAN
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
                Ok(()) => exit::CLEAN,
                Err(_) => exit::FAILURE,
            }
        }
        Command::Explain { code } => explain(&code),
    };
    ExitCode::from(code)
}

fn rules(json: bool) -> u8 {
    use crate::rules::ALL_RULES;
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    let result = if json {
        let rules: Vec<serde_json::Value> = ALL_RULES
            .iter()
            .map(|rule| {
                serde_json::json!({
                    "code": rule.code,
                    "severity": rule.severity.as_str(),
                    "category": rule.category.as_str(),
                    "summary": rule.summary,
                    "fix": rule.fix.as_str(),
                    "url": rule.url(),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&rules).expect("JSON values always serialize");
        writeln!(out, "{text}")
    } else {
        let width = ALL_RULES.iter().map(|r| r.code.len()).max().unwrap_or(0);
        let category_width = crate::rules::Category::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        ALL_RULES.iter().try_for_each(|rule| {
            writeln!(
                out,
                "{:<width$}  {:<7}  {:<category_width$}  {}",
                rule.code,
                rule.severity.as_str(),
                rule.category.as_str(),
                rule.summary
            )
        })
    };
    if result.is_err() {
        exit::FAILURE
    } else {
        exit::CLEAN
    }
}

fn explain(code: &str) -> u8 {
    use std::io::Write;
    let lowered = code.trim().to_ascii_lowercase().replace('_', "-");
    let Some(rule) = crate::rules::rule(&lowered) else {
        let codes: Vec<&str> = crate::rules::ALL_RULES
            .iter()
            .map(|rule| rule.code)
            .collect();
        let hint = crate::model::suggest::closest(&lowered, &codes)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_else(|| "; `ddia rules` lists them all".to_owned());
        eprintln!(
            "error: no rule has the code `{}`{hint}",
            crate::text::printable(code)
        );
        return exit::FAILURE;
    };
    let mut out = anstream::stdout().lock();
    let text = crate::rules::docs::rule_page(rule);
    if out.write_all(text.as_bytes()).is_err() {
        return exit::FAILURE;
    }
    exit::CLEAN
}
