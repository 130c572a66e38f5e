//! Analyses one file: parse, detect its kind, build the model, run the rules.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::kind::{FileKind, detect};
use crate::model::{
    ProblemKind as ModelProblemKind, SystemModel, from_compose_reusing, from_kubernetes,
    from_spec_reusing,
};
use crate::rules::{
    DUPLICATE_KEY, RESOURCE_LIMIT, RuleFailure, SCHEMA_VIOLATION, SYNTAX_ERROR, UNKNOWN_KEY,
    run_rules,
};
use crate::syntax::{Parse, ProblemKind};
use std::path::Path;

/// What to analyse: the text and what is known about where it comes from.
#[derive(Clone, Copy, Default)]
pub struct AnalysisInput<'a> {
    pub text: &'a str,
    /// The file's path, used to recognise specs by name (`*.ddia.yaml`).
    pub path: Option<&'a Path>,
    /// The editor's language id (`yaml`, `dockercompose`), if any.
    pub language_id: Option<&'a str>,
    /// The [`crate::syntax::Parse::reusable`] tree of the previous version, edited to
    /// this text, for an incremental reparse (editors); `None` parses from scratch.
    pub previous_tree: Option<&'a tree_sitter::Tree>,
    /// Reads a file the analysed one refers to (a Compose `env_file`), given its path.
    /// `None` reads nothing: the analysis then uses only the text.
    pub read_file: Option<&'a ReadFile>,
    /// The workspace (the editor's folder, the directory `ddia check` runs in): files
    /// the analysed one refers to are read only inside it or inside the analysed
    /// file's own directory.
    pub workspace: Option<&'a Path>,
    /// Files larger than this many bytes are not analysed; `None` means
    /// [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: Option<usize>,
    /// The line index of `text`, when the caller keeps one (the language server
    /// updates its index with each edit); `None` builds one when needed.
    pub line_index: Option<&'a crate::line_index::LineIndex>,
}

/// How the analysis reads files that a file refers to.
pub type ReadFile = dyn Fn(&Path) -> Option<String> + Sync;

/// Reads a referred-to file from disk: at most 1 MiB, UTF-8 only.
pub fn read_from_disk(path: &Path) -> Option<String> {
    const LIMIT: u64 = 1 << 20;
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > LIMIT {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The findings for one file.
#[derive(Debug)]
pub struct Analysis {
    pub kind: FileKind,
    pub parse: Parse,
    pub model: Option<SystemModel>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Rules (or the model builder) that failed on this file and were skipped.
    pub failures: Vec<RuleFailure>,
}

/// Files larger than this are not analysed (one informational finding says so), unless
/// the settings choose another limit.
pub const DEFAULT_MAX_FILE_SIZE: usize = 20 * 1024 * 1024;

/// Analyses a file. Never panics into the caller: a failing rule is skipped and
/// listed in [`Analysis::failures`].
pub fn analyze(input: AnalysisInput<'_>) -> Analysis {
    let limit = input.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
    if input.text.len() > limit {
        return Analysis {
            kind: FileKind::Other,
            parse: crate::syntax::parse(""),
            model: None,
            diagnostics: too_large(input.path, input.text.len(), limit),
            failures: Vec::new(),
        };
    }
    let parse = crate::syntax::parse_incremental(input.text, input.previous_tree);
    analyze_parsed(input, parse, None)
}

/// Analyses a file after one edit, given the parse of the text before it: an edit
/// inside a value is applied to that parse instead of parsing again (see
/// [`crate::syntax::reparse_scalar_edit`]), and the parts of `previous_model` (the
/// model of the text before) that the edit cannot change are kept (see
/// [`crate::model::from_compose_reusing`]); any other edit parses as [`analyze`] does.
pub fn analyze_after_edit(
    input: AnalysisInput<'_>,
    previous: Parse,
    edit: crate::syntax::TextEdit,
    previous_model: Option<SystemModel>,
) -> Analysis {
    let limit = input.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
    if input.text.len() > limit {
        return analyze(input);
    }
    match crate::syntax::reparse_scalar_edit(previous, input.text, edit) {
        Ok(parse) => analyze_parsed(input, parse, previous_model.map(|model| (model, edit))),
        Err(_) => analyze(input),
    }
}

/// Everything after parsing: the file's kind, the model, the rules, suppressions.
fn analyze_parsed(
    input: AnalysisInput<'_>,
    parse: Parse,
    previous_model: Option<(SystemModel, crate::text::TextEdit)>,
) -> Analysis {
    let mut kind = detect(input.path, input.language_id, &parse.stream);
    if matches!(kind, FileKind::Compose | FileKind::Kubernetes) && is_template(input.text) {
        // Helm and mustache templates are not YAML until rendered: judging them
        // would judge the template syntax, not the deployment.
        kind = FileKind::Other;
    }
    let mut analysis = Analysis {
        kind,
        model: None,
        diagnostics: Vec::new(),
        failures: Vec::new(),
        parse,
    };
    if kind == FileKind::Other {
        // Other YAML belongs to other tools: not even syntax errors are reported.
        return analysis;
    }
    for problem in &analysis.parse.problems {
        let rule = match problem.kind {
            ProblemKind::Syntax => &SYNTAX_ERROR,
            ProblemKind::DuplicateKey => &DUPLICATE_KEY,
            ProblemKind::Limit => &RESOURCE_LIMIT,
        };
        let mut diagnostic = rule.diagnostic(problem.range, problem.message.clone());
        if let Some((range, message)) = &problem.related {
            diagnostic = diagnostic.with_related(*range, message.clone());
        }
        analysis.diagnostics.push(diagnostic);
    }
    let has_syntax_error = analysis
        .parse
        .problems
        .iter()
        .any(|problem| problem.kind == ProblemKind::Syntax);
    if kind != FileKind::Other {
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let stream = &analysis.parse.stream;
            Some(match kind {
                FileKind::Kubernetes => from_kubernetes(stream, input.text),
                FileKind::Compose => {
                    let base = input.path.and_then(Path::parent);
                    let read_env_file = |relative: &str| -> Option<String> {
                        let read = input.read_file?;
                        let base = base?;
                        let path = base.join(relative);
                        let allowed = [Some(base), input.workspace];
                        inside_any(&path, allowed.iter().flatten()).then(|| read(&path))?
                    };
                    from_compose_reusing(
                        stream.first_document()?,
                        input.text,
                        &read_env_file,
                        previous_model,
                    )
                }
                _ => from_spec_reusing(stream.first_document()?, input.text, previous_model),
            })
        }));
        match built {
            Ok(model) => analysis.model = model,
            Err(_) => analysis.failures.push(RuleFailure {
                code: "model",
                message: "building the system model failed".to_owned(),
            }),
        }
    }
    if let Some(model) = &analysis.model {
        let mut found = Vec::new();
        for problem in &model.problems {
            let rule = match problem.kind {
                ModelProblemKind::Invalid => &SCHEMA_VIOLATION,
                ModelProblemKind::UnknownKey => &UNKNOWN_KEY,
            };
            let fix = problem.suggestion.as_ref().map(|suggestion| Fix {
                message: format!("Replace with `{suggestion}`"),
                applicability: Applicability::Unsafe,
                edits: vec![Edit::replace(problem.range, suggestion.clone())],
            });
            found.push(
                rule.diagnostic(problem.range, problem.message.clone())
                    .with_fix(fix),
            );
        }
        let (from_rules, failures) = run_rules(model, input.text);
        found.extend(from_rules);
        if has_syntax_error {
            // The model of a broken file comes from its recovered parts, so a fix's
            // offsets may not fit the text around them: the findings stay, their fixes
            // wait until the YAML parses (as ruff does).
            for diagnostic in &mut found {
                diagnostic.fixes.clear();
            }
        }
        if let Some(doc) = analysis.parse.stream.first_document() {
            point_into_shared_anchors(&mut found, doc);
        }
        analysis.diagnostics.extend(found);
        analysis.failures.extend(failures);
    }
    let built;
    let index = match input.line_index {
        Some(index) => index,
        None => {
            built = crate::line_index::LineIndex::new(input.text);
            &built
        }
    };
    crate::suppression::apply(
        &mut analysis.diagnostics,
        &analysis.parse.stream.comments,
        input.text,
        index,
    );
    analysis.diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    analysis
}

/// Whether `path` (resolved, symbolic links followed) lies inside one of `roots`: a file
/// named by the analysed one is read only if it does, so `env_file: /etc/shadow` or a
/// link out of the project is never opened.
fn inside_any<'p>(path: &Path, roots: impl Iterator<Item = &'p &'p Path>) -> bool {
    let Ok(resolved) = std::fs::canonicalize(path) else {
        return false;
    };
    roots
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .any(|root| resolved.starts_with(root))
}

/// Findings inside a YAML anchor that other places use (`&defaults` merged with
/// `<<: *defaults`) get a related location at each use, and lose the fixes that would
/// edit the anchor: such an edit would silently change every component that shares it.
fn point_into_shared_anchors(diagnostics: &mut [Diagnostic], doc: &crate::syntax::YamlDocument) {
    let shared = doc.shared_anchors();
    if shared.is_empty() {
        return;
    }
    let inside = |range: crate::text::TextRange| {
        shared.iter().filter(move |(anchor, _, _)| {
            anchor.start <= range.start && range.end <= anchor.end && !anchor.is_empty()
        })
    };
    for diagnostic in diagnostics.iter_mut() {
        let innermost = inside(diagnostic.range).min_by_key(|(anchor, _, _)| anchor.len());
        if let Some((_, name, uses)) = innermost {
            for &use_range in uses.iter().take(5) {
                diagnostic.related.push(crate::diagnostic::Related {
                    range: use_range,
                    message: format!("the anchor `&{name}` is used here"),
                });
            }
        }
        diagnostic.fixes.retain(|fix| {
            fix.edits
                .iter()
                .all(|edit| inside(edit.range).next().is_none())
        });
    }
}

/// Whether a text is a template (`{{ ... }}` outside quotes and comments), such as a
/// Helm chart's `templates/*.yaml`.
pub fn is_template(text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    text.lines().any(|line| {
        let content = line.trim_start();
        if content.starts_with('#') {
            return false;
        }
        let Some(at) = content.find("{{") else {
            return false;
        };
        let before = &content[..at];
        let quotes = before.matches('"').count() + before.matches('\'').count();
        quotes % 2 == 0
    })
}

/// The finding for a file above the size limit: one informational note, for specs and
/// for files named like Compose files (other YAML gets nothing, as always). Front ends
/// that know a file's size before reading it call this instead of reading it.
pub fn too_large(path: Option<&Path>, size: usize, limit: usize) -> Vec<Diagnostic> {
    let named = path.is_some_and(|path| {
        crate::kind::kind_from_name(path).is_some() || crate::kind::is_compose_name(path)
    });
    if !named {
        return Vec::new();
    }
    let mut note = RESOURCE_LIMIT.diagnostic(
        crate::text::TextRange::empty(0),
        format!(
            "this file is {}, above the {} limit (`max-file-size`): it was not checked",
            human_size(size),
            human_size(limit)
        ),
    );
    // Information, not a problem with the design.
    note.severity = crate::diagnostic::Severity::Info;
    vec![note]
}

/// A byte count for people: `20.0 MB`, `512 KB`, `100 bytes` (binary units).
fn human_size(bytes: usize) -> String {
    const MB: usize = 1 << 20;
    const KB: usize = 1 << 10;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{:.1} KB", bytes as f64 / KB as f64)
    } else {
        format!("{bytes} bytes")
    }
}
