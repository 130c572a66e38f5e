//! `ddia check`: analyses files in parallel and prints their findings.

use super::files::{FileRead, collect, decode, read_file};
use super::{CheckArgs, FailOn, OutputFormat, exit, render_full, render_json, render_other};
use crate::analysis::{AnalysisInput, analyze};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::line_index::LineIndex;
use crate::resolve::Resolver;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One checked file and its findings.
pub struct CheckedFile {
    /// The name to show (as given on the command line, or the stdin file name).
    pub name: String,
    pub text: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's path: on disk, or the `--stdin-filename` of standard input.
    pub path: Option<PathBuf>,
    /// Whether the text came from standard input (then nothing is ever written to
    /// `path`: fixes go to standard output).
    pub from_stdin: bool,
    /// Whether the file starts with a UTF-8 byte-order mark (kept when it is fixed).
    pub bom: bool,
    /// The settings the file was checked with, to check it again after fixing.
    pub settings: crate::settings::Settings,
    /// Whether the whole text was read (not when it is above the size limit: then
    /// `text` is empty and nothing may be fixed or printed in its place).
    pub read_whole: bool,
    /// Why ddia did not read it as a spec, a Compose file or Kubernetes manifests
    /// (`None`: it did); such files get no findings at all.
    pub skipped: Option<Skipped>,
    /// How many findings `--fix` removed from it.
    pub fixed: usize,
}

/// Why a file got no analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skipped {
    /// A Helm or Go template (`{{ … }}`): not YAML until it is rendered.
    Template,
    /// YAML of no kind ddia reads.
    OtherYaml,
    /// Above the size limit (a note says so).
    TooLarge,
}

impl Skipped {
    /// How a summary counts files skipped for this reason.
    pub fn describe(self, count: usize) -> String {
        let files = if count == 1 { "file" } else { "files" };
        match self {
            Skipped::Template => format!(
                "{count} Helm or Go template{} (render {} first, e.g. `helm template`)",
                if count == 1 { "" } else { "s" },
                if count == 1 { "it" } else { "them" }
            ),
            Skipped::OtherYaml => format!(
                "{count} {files} of no kind ddia reads (not a system spec, a Compose file or Kubernetes manifests)"
            ),
            Skipped::TooLarge => format!("{count} {files} above the size limit"),
        }
    }
}

impl CheckedFile {
    /// A file above the size limit: not read whole, not analysed, only `notes`.
    fn unread(
        name: String,
        path: Option<PathBuf>,
        from_stdin: bool,
        notes: Vec<Diagnostic>,
    ) -> CheckedFile {
        CheckedFile {
            name,
            text: String::new(),
            index: LineIndex::new(""),
            path,
            from_stdin,
            bom: false,
            settings: crate::settings::Settings::default(),
            read_whole: false,
            // With a note, it was looked at (a spec or Compose file by its name); other
            // YAML above the limit gets nothing and counts as not checked.
            skipped: Some(Skipped::TooLarge),
            fixed: 0,
            diagnostics: notes,
        }
    }
}

enum Source {
    /// A file, and whether it was found by walking a directory (then `exclude` applies;
    /// with `--force-exclude` it applies to named files too).
    File(PathBuf, bool),
    Stdin,
}

/// The settings resolution of the command line: `--config`, `--isolated`, or the nearest
/// `ddia.toml` above each file, under the command line's own settings.
fn resolver(args: &CheckArgs) -> Result<Resolver, String> {
    let fixed = if args.isolated {
        Some(None)
    } else if let Some(path) = &args.config {
        Some(Some(Arc::new(
            Config::load(path).map_err(|e| e.to_string())?,
        )))
    } else {
        None
    };
    Ok(Resolver::command_line(args.overrides(), fixed))
}

/// The path a source's configuration is looked up from: standard input's is
/// `--stdin-filename`, else a file in the working directory.
fn lookup_path(source: &Source, stdin_filename: Option<&Path>) -> PathBuf {
    match source {
        Source::File(path, _) => path.clone(),
        Source::Stdin => stdin_filename.map_or_else(|| PathBuf::from("./-"), Path::to_path_buf),
    }
}

pub fn run(args: &CheckArgs) -> u8 {
    if args.watch {
        return watch(args);
    }
    run_once(args)
}

/// `--watch`: checks, then waits for a YAML file or a `ddia.toml` under the paths to
/// change, clears the screen and checks again, as `ruff check --watch` does.
fn watch(args: &CheckArgs) -> u8 {
    use notify::Watcher as _;
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        eprintln!("error: --watch reads files, not standard input");
        return exit::FAILURE;
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    }) {
        Ok(watcher) => watcher,
        Err(error) => {
            eprintln!("error: cannot watch for changes: {error}");
            return exit::FAILURE;
        }
    };
    for path in &args.paths {
        if let Err(error) = watcher.watch(path, notify::RecursiveMode::Recursive) {
            eprintln!(
                "error: {}: cannot watch for changes: {error}",
                crate::text::printable(&path.display().to_string())
            );
            return exit::FAILURE;
        }
    }
    let relevant = |event: &notify::Event| {
        !event.kind.is_access()
            && event.paths.iter().any(|path| {
                let name = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .unwrap_or("");
                name == crate::config::FILE_NAME
                    || name == "Kustomization"
                    || name.ends_with(".yaml")
                    || name.ends_with(".yml")
            })
    };
    loop {
        // Clear the screen and put the cursor home, then check.
        print!("\x1b[2J\x1b[H");
        println!("[{}] Checking...", clock());
        let _ = std::io::stdout().flush();
        run_once(args);
        println!("Watching for file changes.");
        let _ = std::io::stdout().flush();
        loop {
            match receiver.recv() {
                Ok(Ok(event)) if relevant(&event) => break,
                Ok(_) => {}
                Err(_) => return exit::FAILURE,
            }
        }
        // An editor's save is several events: let them settle.
        while receiver
            .recv_timeout(std::time::Duration::from_millis(150))
            .is_ok()
        {}
    }
}

/// The time of day in UTC, `HH:MM:SS`.
fn clock() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let of_day = seconds % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        of_day / 3600,
        (of_day / 60) % 60,
        of_day % 60
    )
}

/// One run of `ddia check`.
fn run_once(args: &CheckArgs) -> u8 {
    let mut errors: Vec<String> = Vec::new();
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let mut sources: Vec<Source> = Vec::new();
    if !paths.is_empty() {
        let (files, walk_errors) = collect(&paths);
        errors.extend(walk_errors);
        sources.extend(files.into_iter().map(|file| {
            let walked = !paths.iter().any(|p| p == &file);
            Source::File(file, walked)
        }));
    }
    if reads_stdin {
        sources.push(Source::Stdin);
    }
    let overrides = args.overrides();
    let unknown = overrides.unknown_selectors();
    if !unknown.is_empty() {
        let codes: Vec<&str> = crate::rules::ALL_RULES
            .iter()
            .map(|rule| rule.code)
            .chain(crate::rules::Category::ALL.iter().map(|c| c.as_str()))
            .collect();
        for selector in unknown {
            let hint = crate::model::suggest::closest(&selector, &codes)
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            eprintln!(
                "error: `{}` names no rule and no category{hint}",
                crate::text::printable(&selector)
            );
        }
        return exit::FAILURE;
    }
    let resolver = match resolver(args) {
        Ok(resolver) => resolver,
        Err(error) => {
            eprintln!("error: {}", crate::text::printable(&error));
            return exit::FAILURE;
        }
    };
    let mut jobs: Vec<(Source, Option<Arc<Config>>)> = Vec::new();
    let mut excluded = 0;
    for source in sources {
        let config = resolver
            .config_for(&lookup_path(&source, args.stdin_filename.as_deref()))
            .ok()
            .flatten();
        if let (Source::File(path, walked), Some(config)) = (&source, &config)
            && (*walked || args.force_exclude)
            && config.excluded(&std::path::absolute(path).unwrap_or_else(|_| path.clone()))
        {
            excluded += 1;
            continue;
        }
        jobs.push((source, config));
    }
    let config_errors = resolver.config_errors();
    if !config_errors.is_empty() {
        // A broken configuration is never silently ignored.
        for error in &config_errors {
            eprintln!("error: {}", crate::text::printable(&error.to_string()));
        }
        return exit::FAILURE;
    }
    if args.show_settings {
        return show_settings(&resolver, &jobs, args.stdin_filename.as_deref());
    }

    let projects = project_contexts(&jobs);
    let results: Vec<Result<CheckedFile, String>> = jobs
        .into_par_iter()
        .map(|(source, _)| {
            let project = match &source {
                Source::File(path, _) => projects.get(path),
                Source::Stdin => None,
            };
            check_source(source, args.stdin_filename.as_deref(), &resolver, project)
        })
        .collect();
    let mut checked: Vec<CheckedFile> = Vec::new();
    for result in results {
        match result {
            Ok(file) => checked.push(file),
            Err(error) => errors.push(error),
        }
    }
    checked.sort_by(|a, b| a.name.cmp(&b.name));
    let fixing = args.fix || args.add_ignore;
    let stdin_fixed = fixing && !args.diff && checked.iter().any(|file| file.from_stdin);
    if fixing || args.diff {
        let changed = super::fix::run(args, &mut checked, &mut errors);
        if args.diff {
            // Only the diff is printed; the status says whether there is one.
            for error in &errors {
                eprintln!("error: {}", crate::text::printable(error));
            }
            return if !errors.is_empty() {
                exit::FAILURE
            } else if changed {
                exit::FINDINGS
            } else {
                exit::CLEAN
            };
        }
    }

    let written = match &args.output_file {
        Some(path) => {
            let mut buffer: Vec<u8> = Vec::new();
            let rendered = render(&mut buffer, args, &checked, excluded);
            rendered
                .and_then(|()| std::fs::write(path, &buffer))
                .map_err(|error| {
                    errors.push(format!(
                        "{}: cannot write the report: {error}",
                        path.display()
                    ));
                })
        }
        // Fixed standard input went to standard output: the report goes beside it.
        None if stdin_fixed => {
            let mut out = anstream::stderr().lock();
            let rendered = render(&mut out, args, &checked, excluded);
            let _ = out.flush();
            rendered.map_err(|_| ())
        }
        None => {
            let stdout = anstream::stdout();
            let mut out = stdout.lock();
            let rendered = render(&mut out, args, &checked, excluded);
            let _ = out.flush();
            rendered.map_err(|_| ())
        }
    };
    let mut stderr = anstream::stderr().lock();
    for error in &errors {
        let _ = writeln!(stderr, "error: {}", crate::text::printable(error));
    }
    if written.is_err() || !errors.is_empty() {
        return exit::FAILURE;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    // Severities are ordered from the most to the least severe.
    let failing = threshold.is_some_and(|threshold| {
        checked
            .iter()
            .flat_map(|file| &file.diagnostics)
            .any(|d| d.severity <= threshold)
    });
    if failing && !args.exit_zero {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

fn render(
    out: &mut impl Write,
    args: &CheckArgs,
    checked: &[CheckedFile],
    excluded: usize,
) -> std::io::Result<()> {
    if args.statistics {
        return render_other::statistics(out, checked, args.output_format);
    }
    match args.output_format {
        OutputFormat::Full => render_full::render(out, checked, args.quiet, excluded),
        OutputFormat::Json => render_json::render(out, checked),
        OutputFormat::Concise => render_other::concise(out, checked),
        OutputFormat::JsonLines => render_other::json_lines(out, checked),
        OutputFormat::Sarif => render_other::sarif(out, checked),
        OutputFormat::Github => render_other::github(out, checked),
        OutputFormat::Junit => render_other::junit(out, checked),
        OutputFormat::Gitlab => render_other::gitlab(out, checked),
    }
}

/// The project of each checked Kubernetes or default Compose file ([`crate::project`]), found from the
/// file the way the editor finds it (the kustomization that gathers it, else its
/// folder), so that a file checked alone (as pre-commit does) gets the answers it gets
/// among the others. Each member's facts are read once.
fn project_contexts(
    jobs: &[(Source, Option<Arc<Config>>)],
) -> HashMap<PathBuf, crate::project::ProjectContext> {
    let root = std::env::current_dir().ok();
    let cache = crate::project::FactsCache::default();
    let shown = |path: &Path| display_name(&relative(path));
    jobs.par_iter()
        .filter_map(|(source, _)| match source {
            Source::File(path, _) if !crate::project::is_kustomization(path) => Some(path),
            _ => None,
        })
        .filter_map(|file| {
            // Kubernetes files, and the Compose files Compose merges by default.
            let compose = crate::project::compose_role(file).is_some();
            (compose || read_small(file)?.contains("apiVersion")).then_some(())?;
            let context =
                crate::project::context_for(file, root.as_deref(), &read_small, &cache, &shown)?;
            Some((file.clone(), context))
        })
        .collect()
}

/// Reads a file of a project: a regular file of at most 1 MiB, as UTF-8.
fn read_small(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    (metadata.is_file() && metadata.len() <= 1 << 20)
        .then(|| std::fs::read_to_string(path).ok())
        .flatten()
}

/// A path relative to the working directory when it is inside it.
fn relative(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

fn check_source(
    source: Source,
    stdin_filename: Option<&Path>,
    resolver: &Resolver,
    project: Option<&crate::project::ProjectContext>,
) -> Result<CheckedFile, String> {
    let lookup = lookup_path(&source, stdin_filename);
    // The size limit does not depend on the text; the rest of the settings may.
    let max_file_size = resolver.resolve(Some(&lookup), "").max_file_size;
    let from_stdin = matches!(source, Source::Stdin);
    let (name, path, bytes) = match source {
        Source::File(path, _) => match read_file(&path, max_file_size)? {
            FileRead::Bytes(bytes) => (display_name(&path), Some(path), bytes),
            // A file above the limit is not read whole: it could be gigabytes.
            FileRead::TooLarge(size) => {
                let note = crate::analysis::too_large(Some(&path), size, max_file_size);
                return Ok(CheckedFile::unread(
                    display_name(&path),
                    Some(path),
                    false,
                    note,
                ));
            }
        },
        Source::Stdin => {
            let name = stdin_filename.map_or_else(|| "-".to_owned(), display_name);
            // Read at most one byte past the limit: standard input may never end.
            let mut bytes = Vec::new();
            let limit = u64::try_from(max_file_size).unwrap_or(u64::MAX);
            std::io::stdin()
                .lock()
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|error| format!("-: cannot read standard input: {error}"))?;
            if bytes.len() > max_file_size {
                let note =
                    crate::analysis::too_large_note("standard input is larger than", max_file_size);
                let path = stdin_filename.map(Path::to_path_buf);
                return Ok(CheckedFile::unread(name, path, true, vec![note]));
            }
            (name, stdin_filename.map(Path::to_path_buf), bytes)
        }
    };
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let text = decode(bytes).map_err(|error| format!("{name}: {error}"))?;
    // Files named by the checked one are read only inside the working directory
    // or the file's own directory.
    let working_directory = std::env::current_dir().ok();
    let mut analysis = analyze(AnalysisInput {
        text: &text,
        path: path.as_deref(),
        language_id: None,
        previous_tree: None,
        read_file: Some(&crate::analysis::read_from_disk),
        workspace: working_directory.as_deref(),
        max_file_size: Some(max_file_size),
        line_index: None,
        // Checking files one per core already, but a large one alone gets two.
        parse_in_parts: true,
        project,
        ..AnalysisInput::default()
    });
    let settings = resolver.resolve(Some(&lookup), &text).settings;
    settings.apply(&mut analysis.diagnostics);
    for failure in &analysis.failures {
        eprintln!(
            "warning: {}: rule `{}` failed and was skipped: {}",
            crate::text::printable(&name),
            failure.code,
            failure.message
        );
    }
    let diagnostics = std::mem::take(&mut analysis.diagnostics);
    let skipped = (analysis.kind == crate::kind::FileKind::Other).then(|| {
        if text.contains("{{") {
            Skipped::Template
        } else {
            Skipped::OtherYaml
        }
    });
    drop(analysis);
    if crate::analysis::is_large(&text) {
        // Another thread's next large file starts from a heap given back, not one more
        // arena of freed pages.
        crate::analysis::release_free_memory();
    }
    let index = LineIndex::new(&text);
    Ok(CheckedFile {
        name,
        index,
        diagnostics,
        text,
        path,
        from_stdin,
        bom,
        settings,
        read_whole: true,
        skipped,
        fixed: 0,
    })
}

/// A path as the user would write it: relative paths without a leading `./`.
fn display_name(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    shown.display().to_string()
}

/// `--show-settings`: the resolved settings of each file, and where each came from.
fn show_settings(
    resolver: &Resolver,
    jobs: &[(Source, Option<Arc<Config>>)],
    stdin_filename: Option<&Path>,
) -> u8 {
    let mut out = anstream::stdout().lock();
    for (index, (source, _)) in jobs.iter().enumerate() {
        let lookup = lookup_path(source, stdin_filename);
        let text = match source {
            Source::File(path, _) => std::fs::read(path)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .unwrap_or_default(),
            Source::Stdin => {
                let mut text = String::new();
                let _ = std::io::stdin().lock().read_to_string(&mut text);
                text
            }
        };
        let name = display_name(&lookup);
        let separator = if index == 0 { "" } else { "\n" };
        let described = resolver.resolve(Some(&lookup), &text).describe(&name);
        if write!(out, "{separator}{described}").is_err() {
            return exit::FAILURE;
        }
    }
    let _ = out.flush();
    exit::CLEAN
}
