//! Analyses one file: parse, detect its kind, build the model, run the rules.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::kind::{FileKind, detect, detect_from_text};
use crate::model::{
    ProblemKind as ModelProblemKind, SystemModel, from_compose_reusing, from_kubernetes,
    from_spec_reusing,
};
use crate::rules::{
    DUPLICATE_KEY, RESOURCE_LIMIT, RuleFailure, SCHEMA_VIOLATION, SYNTAX_ERROR, Scope, UNKNOWN_KEY,
    run_related_rules, run_rules, run_rules_in,
};
use crate::syntax::{Parse, ProblemKind};
use crate::text::{TextEdit, TextRange};
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
    /// Keep the findings of component rules by part ([`Analysis::part_findings`]), for
    /// the next analysis after an edit to reuse (the language server does).
    pub findings_by_part: bool,
    /// Parse a text of [`crate::syntax::SPLIT_MIN_BYTES`] or more in two parts at once
    /// ([`crate::syntax::parse_split`]) when no earlier tree helps (`ddia check` does).
    /// The language server does not: it runs glibc with one arena, where two threads
    /// parsing at once wait on each other's allocations (opening a 108k-line file took
    /// 850–1,210 ms that way, against 625–655 ms on one thread).
    pub parse_in_parts: bool,
    /// The file's project ([`crate::project`]): the facts of its other files and the
    /// namespace a kustomization gives it. `None` reads the file alone.
    pub project: Option<&'a crate::project::ProjectContext>,
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
    /// With [`AnalysisInput::findings_by_part`]: where the component rules' findings
    /// are, by part of the model; they stay in `diagnostics`, tagged with their part
    /// ([`Diagnostic::part`]), until [`Analysis::take_part_findings`] (or
    /// [`PartIndex::collect`]) takes them out for [`analyze_after_edit`] to reuse.
    pub part_findings: Option<PartIndex>,
}

impl Analysis {
    /// Takes the component rules' findings out of `diagnostics`, by part, for the
    /// analysis after an edit ([`analyze_after_edit`]); `None` without them. Leaves
    /// `diagnostics` empty: this analysis is superseded.
    pub fn take_part_findings(&mut self) -> Option<PartFindings> {
        let index = self.part_findings.take()?;
        Some(index.collect(std::mem::take(&mut self.diagnostics)))
    }
}

/// What an analysis knows of its findings by part (a spec's named components, a
/// Compose file's services; see [`SystemModel::part_components`]): each part's entry,
/// how many findings of the [`Scope::Component`] and [`Scope::Related`] rules it has,
/// and where the last range they name ends. The findings themselves are the analysis's
/// diagnostics tagged with the part: they are moved, never copied.
#[derive(Debug, Default)]
pub struct PartIndex {
    parts: Vec<PartMeta>,
    /// How many parts kept their findings from the analysis before.
    reused: usize,
    /// The fixes of the parts' findings in a file with a syntax error, which its
    /// diagnostics do not offer; they are given back to the findings kept for the
    /// next edit.
    withheld: Vec<WithheldFixes>,
}

/// The fixes of one finding of a part, set aside while the file has a syntax error.
#[derive(Debug)]
struct WithheldFixes {
    part: u32,
    range: TextRange,
    code: &'static str,
    fixes: Vec<crate::diagnostic::Fix>,
}

#[derive(Clone, Debug, Default)]
struct PartMeta {
    range: TextRange,
    /// How many findings the component rules made, and the related rules.
    count: usize,
    related: usize,
    last_end: usize,
    /// What the part's workloads tell the related rules ([`SystemModel::relations`]).
    relations: Vec<u8>,
}

impl PartIndex {
    /// How many parts kept their findings from the analysis before (the rest were
    /// checked again).
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Gathers the findings of each part from the diagnostics they were published in.
    /// A part that lost a finding on the way (a suppression, a disabled rule) or whose
    /// finding was changed (a severity override, a shared anchor) untags it, so its
    /// count falls short: that part is checked again next time.
    pub fn collect(self, mut diagnostics: Vec<Diagnostic>) -> PartFindings {
        // The other findings (the whole model's, suppressions) are made again. The
        // parts' findings stay in one list, in part order (they nearly are: parts and
        // findings both follow the text), not one list per part.
        let parts_len = self.parts.len();
        diagnostics.retain(|diagnostic| {
            diagnostic
                .part
                .is_some_and(|part| (part as usize) < parts_len)
        });
        diagnostics.sort_by_key(|diagnostic| diagnostic.part);
        let unsure = restore_fixes(&mut diagnostics, self.withheld);
        // Each part's findings of the component rules and of the related rules.
        let mut counts = vec![(0, 0); parts_len];
        for diagnostic in &diagnostics {
            if let Some((component, related)) = diagnostic
                .part
                .and_then(|part| counts.get_mut(part as usize))
            {
                if crate::rules::is_related(diagnostic.code) {
                    *related += 1;
                } else {
                    *component += 1;
                }
            }
        }
        let parts = self
            .parts
            .into_iter()
            .zip(counts)
            .enumerate()
            .map(|(at, (meta, (component, related)))| PartEntry {
                complete: component == meta.count && !unsure.contains(&at),
                related_complete: related == meta.related,
                count: component + related,
                range: meta.range,
                last_end: meta.last_end,
                relations: meta.relations,
            })
            .collect();
        PartFindings {
            parts,
            findings: diagnostics,
        }
    }
}

/// Gives the parts' findings back the fixes set aside while the file had a syntax
/// error, matching them by part, range and rule. Returns the parts where that match is
/// not one to one (two findings of one rule on one range): they are checked again.
fn restore_fixes(diagnostics: &mut [Diagnostic], mut withheld: Vec<WithheldFixes>) -> Vec<usize> {
    let mut unsure = Vec::new();
    if withheld.is_empty() {
        return unsure;
    }
    let key =
        |part: u32, range: TextRange, code: &'static str| (part, range.start, range.end, code);
    withheld.sort_by(|a, b| key(a.part, a.range, a.code).cmp(&key(b.part, b.range, b.code)));
    // Two findings of one part, rule and range could swap fixes. (Two with fixes whose
    // twin lost its tag need no check: their part then falls short of findings.)
    let mut keys: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| Some(key(d.part?, d.range, d.code)))
        .collect();
    keys.sort_unstable();
    for pair in keys.windows(2) {
        if pair[0] == pair[1] {
            unsure.push(pair[0].0 as usize);
        }
    }
    for diagnostic in diagnostics {
        let Some(part) = diagnostic.part else {
            continue;
        };
        let wanted = key(part, diagnostic.range, diagnostic.code);
        if let Ok(at) =
            withheld.binary_search_by(|each| key(each.part, each.range, each.code).cmp(&wanted))
        {
            diagnostic.fixes = std::mem::take(&mut withheld[at].fixes);
        }
    }
    unsure
}

/// The findings of the [`Scope::Component`] and [`Scope::Related`] rules by part of a
/// model, taken out of an analysis ([`Analysis::take_part_findings`]) for the analysis
/// after an edit: the parts the model builder kept keep these findings, moved by the
/// edit, and the rules run only on the parts read again.
#[derive(Debug, Default)]
pub struct PartFindings {
    parts: Vec<PartEntry>,
    /// Every part's findings, in part order: `parts[0].count` of them first, and so on.
    findings: Vec<Diagnostic>,
}

/// One part's entry: how many findings it has, whether they are all there, and where
/// the last range they name ends (findings that end before an edit need not move).
#[derive(Debug, Default)]
struct PartEntry {
    range: TextRange,
    /// How many findings of the part are in the list (of both kinds of rules).
    count: usize,
    /// Whether the component rules' findings are all there, and the related rules'.
    complete: bool,
    related_complete: bool,
    last_end: usize,
    relations: Vec<u8>,
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
            part_findings: None,
        };
    }
    // One large text at a time, whichever thread or document asks: a directory walk or
    // several open editors never hold two large parses at once.
    let _large = (input.text.len() >= LARGE_TEXT).then(|| {
        static LARGE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        LARGE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    if input.text.len() >= LARGE_TEXT
        && let Some(analysis) = refuse_before_parsing(&input)
    {
        return analysis;
    }
    let in_parts = input.parse_in_parts
        && input.previous_tree.is_none()
        && input.text.len() >= crate::syntax::SPLIT_MIN_BYTES;
    let parse = in_parts
        .then(|| crate::syntax::parse_split(input.text))
        .flatten()
        .unwrap_or_else(|| crate::syntax::parse_incremental(input.text, input.previous_tree));
    analyze_parsed(input, parse, None, None)
}

/// Returns freed heap memory to the operating system. glibc keeps the memory freed by
/// each thread in that thread's arena; without this, a server that closed a 100k-line
/// file, or a directory walk whose threads each analysed a large file, would stay
/// hundreds of megabytes larger.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free pages of the allocator's own arenas; it
    // has no preconditions and is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Whether a text is large enough for [`analyze`] to look at it before parsing, and
/// for its analysis's memory to be worth returning to the system once it is dropped.
pub fn is_large(text: &str) -> bool {
    text.len() >= LARGE_TEXT
}

/// Texts from this size on are looked at before they are parsed (see
/// [`refuse_before_parsing`]); below it, no text can exceed the parse memory budget.
const LARGE_TEXT: usize = 1 << 20;

/// The analysis of a large text that is not parsed, if it is not: a text that cannot
/// be a spec, a Compose file or Kubernetes manifests (none of the keys that make one
/// appear in it, and its name says nothing) gets nothing, as other YAML does, without
/// the cost of a parse; a text whose parse would take more than
/// [`crate::syntax::MAX_PARSE_MEMORY`] gets one `resource-limit` note when its name or
/// its lines say it is of a known kind, and nothing otherwise.
fn refuse_before_parsing(input: &AnalysisInput<'_>) -> Option<Analysis> {
    let text = input.text;
    let named = input.path.and_then(crate::kind::kind_from_name);
    let compose_named = input.path.is_some_and(crate::kind::is_compose_name)
        || input.language_id == Some("dockercompose");
    let has = |word: &str| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some();
    let unparsed = |kind: FileKind, diagnostics: Vec<Diagnostic>| Analysis {
        kind,
        parse: crate::syntax::parse(""),
        model: None,
        diagnostics,
        failures: Vec::new(),
        part_findings: None,
    };
    if named.is_none() && !has("ddia") && !has("services") && !has("apiVersion") {
        return Some(unparsed(FileKind::Other, Vec::new()));
    }
    let estimate = crate::syntax::estimated_parse_memory(text);
    if estimate <= crate::syntax::MAX_PARSE_MEMORY {
        return None;
    }
    let kind = match named {
        Some(kind) => kind,
        None if compose_named => FileKind::Compose,
        None => detect_from_text(text),
    };
    if kind == FileKind::Other {
        return Some(unparsed(kind, Vec::new()));
    }
    let mut note = RESOURCE_LIMIT.diagnostic(
        TextRange::empty(0),
        format!(
            "reading this file ({}) would take about {} of memory, above the {} that ddia allows one file: it was not checked",
            human_size(text.len()),
            human_size(estimate),
            human_size(crate::syntax::MAX_PARSE_MEMORY)
        ),
    );
    // Information, like a file above `max-file-size`: not a problem with the design.
    note.severity = crate::diagnostic::Severity::Info;
    Some(unparsed(kind, vec![note]))
}

/// Analyses a file after one edit, given the parse of the text before it: an edit
/// inside a value is applied to that parse instead of parsing again, and another edit
/// parses only the block-mapping entries around it (see
/// [`crate::syntax::reparse_edit`]); the parts of `previous_model` (the
/// model of the text before) that the edit cannot change are kept (see
/// [`crate::model::from_compose_reusing`]), and so are the findings of those parts in
/// `previous_findings` (the [`Analysis::part_findings`] of the text before). When
/// neither applies, the whole text is parsed as [`analyze`] does.
pub fn analyze_after_edit(
    input: AnalysisInput<'_>,
    previous: Parse,
    edit: crate::syntax::TextEdit,
    previous_model: Option<SystemModel>,
    previous_findings: Option<PartFindings>,
) -> Analysis {
    let limit = input.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
    if input.text.len() > limit {
        return analyze(input);
    }
    match crate::syntax::reparse_edit(previous, input.text, edit) {
        Ok(parse) => analyze_parsed(
            input,
            parse,
            previous_model.map(|model| (model, edit)),
            previous_findings.map(|findings| (findings, edit)),
        ),
        Err(previous) => {
            // The whole text is parsed again: the previous parse and model go first,
            // so the two never take memory together.
            drop((previous, previous_model, previous_findings));
            // Not split: the edit likely broke the text, and a split is only kept when
            // both parts parse cleanly.
            analyze(AnalysisInput {
                parse_in_parts: false,
                ..input
            })
        }
    }
}

/// Everything after parsing: the file's kind, the model, the rules, suppressions.
fn analyze_parsed(
    input: AnalysisInput<'_>,
    parse: Parse,
    previous_model: Option<(SystemModel, TextEdit)>,
    previous_findings: Option<(PartFindings, TextEdit)>,
) -> Analysis {
    let mut kind = detect(input.path, input.language_id, &parse.stream);
    if kind == FileKind::Other
        && parse
            .problems
            .iter()
            .any(|problem| problem.kind == ProblemKind::Syntax)
    {
        // Recovery can give up on a badly broken file, leaving too little of its
        // shape to tell what it is: its lines tell, so its errors are reported.
        kind = detect_from_text(input.text);
    }
    if matches!(kind, FileKind::Compose | FileKind::Kubernetes)
        && is_template(input.text, &parse.stream)
    {
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
        part_findings: None,
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
            Ok(mut model) => {
                if let (Some(model), Some(project)) = (model.as_mut(), input.project) {
                    match kind {
                        FileKind::Kubernetes => {
                            if let Some(namespace) = &project.namespace {
                                crate::project::apply_namespace(model, namespace);
                            }
                            model.project = Some(project.others.clone());
                        }
                        FileKind::Compose => project.others.overlay(model),
                        _ => {}
                    }
                } else if let Some(model) = model.as_mut()
                    && kind == FileKind::Compose
                {
                    // Read alone now: nothing another file said still holds.
                    for workload in &mut model.workloads {
                        workload.overlay = crate::model::Overlay::default();
                    }
                }
                analysis.model = model;
            }
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
        let (from_rules, failures) = if input.findings_by_part {
            let (from_rules, failures, by_part) =
                rules_by_part(model, input.text, previous_findings);
            analysis.part_findings = by_part;
            (from_rules, failures)
        } else {
            run_rules(model, input.text)
        };
        found.extend(from_rules);
        if has_syntax_error {
            // The model of a broken file comes from its recovered parts, so a fix's
            // offsets may not fit the text around them: the findings stay, their fixes
            // wait until the YAML parses (as ruff does). A part's findings keep their
            // tag, and their fixes wait in the part index: a part the next edit keeps
            // then keeps its findings with their fixes, as its rules would make them.
            for diagnostic in &mut found {
                let fixes = std::mem::take(&mut diagnostic.fixes);
                match (diagnostic.part, analysis.part_findings.as_mut()) {
                    (Some(part), Some(index)) => {
                        if !fixes.is_empty() {
                            index.withheld.push(WithheldFixes {
                                part,
                                range: diagnostic.range,
                                code: diagnostic.code,
                                fixes,
                            });
                        }
                    }
                    _ => diagnostic.part = None,
                }
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
    // Ties (one rule, one range) keep the order of the components they are about,
    // whether the findings were made all at once or part by part.
    analysis.diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    analysis
}

/// Runs the rules on a model part by part: the [`Scope::Model`] rules on the whole
/// model, the [`Scope::Component`] rules on each part alone and the [`Scope::Related`]
/// rules on each part's workloads, except that a part the model builder kept after
/// `previous`'s edit keeps its previous findings, moved by the edit (its related ones
/// only if the parts read again record the relations they did before). Returns every
/// finding, the failures, and the findings by part for the next edit (`None` if the
/// model has no parts, or a component rule failed).
fn rules_by_part(
    model: &SystemModel,
    text: &str,
    previous: Option<(PartFindings, TextEdit)>,
) -> (Vec<Diagnostic>, Vec<RuleFailure>, Option<PartIndex>) {
    let Some(parts) = model.part_components() else {
        let (found, failures) = run_rules(model, text);
        return (found, failures, None);
    };
    let (mut found, mut failures) = run_rules_in(Scope::Model, model, text);
    let kept = &model.kept_parts.0;
    let mut previous =
        previous.filter(|(old, _)| old.parts.len() == parts.len() && kept.len() == parts.len());
    // What each part's workloads tell the related rules about them. A kept part's are
    // as they were; if a part read again tells something else (a name, a system, a
    // dependency changed), every part's related findings are made again.
    let mut relations_hold = previous.is_some();
    let mut relations = Vec::with_capacity(parts.len());
    for (at, part) in parts.iter().enumerate() {
        let old = previous
            .as_mut()
            .map(|(old, _)| std::mem::take(&mut old.parts[at].relations));
        relations.push(match old {
            Some(old) if kept[at] => old,
            old => {
                let new = model.relations(part.workloads.clone());
                relations_hold &= old.as_ref() == Some(&new);
                new
            }
        });
    }
    // The previous findings, taken part by part in order.
    let mut old_findings = previous
        .as_mut()
        .map(|(old, _)| std::mem::take(&mut old.findings).into_iter());
    let mut metas: Vec<PartMeta> = Vec::with_capacity(parts.len());
    let mut complete = true;
    let mut reused_parts = 0;
    // The parts whose related findings are made again, run together after the loop.
    let mut related_again = Vec::new();
    for ((at, part), relations) in parts.iter().enumerate().zip(relations) {
        let tag = u32::try_from(at).ok();
        let before = found.len();
        // A kept part's findings, moved by the edit (already tagged with this part:
        // the parts line up), and where their last range now ends. Its related
        // findings go too when the relations changed.
        let mut reused = None;
        let mut keep_related = false;
        if let (Some((old, edit)), Some(old_findings)) = (&previous, &mut old_findings) {
            let old = &old.parts[at];
            // The related findings stay only if they are all there and what they
            // read of other parts is as it was.
            keep_related = relations_hold && old.related_complete;
            let taken = old_findings
                .by_ref()
                .take(old.count)
                .filter(|finding| keep_related || !crate::rules::is_related(finding.code));
            if kept[at] && old.complete && edit.move_range(old.range) == part.range {
                if old.last_end < edit.start {
                    // Every range is before the edit: nothing moves.
                    found.extend(taken);
                    reused = Some(old.last_end);
                } else {
                    let mut last_end = 0;
                    let mut moved = true;
                    for mut finding in taken {
                        if moved {
                            last_end = last_end.max(finding.last_end());
                            moved = finding.move_past(edit) && finding.part == tag;
                            found.push(finding);
                        }
                    }
                    if moved {
                        reused = Some(edit.move_range(TextRange::empty(last_end)).end);
                    } else {
                        found.truncate(before);
                    }
                }
            } else {
                taken.for_each(drop);
            }
        }
        let last_end = match reused {
            Some(last_end) => {
                reused_parts += 1;
                last_end
            }
            None => {
                let (mut findings, part_failures) =
                    run_rules_in(Scope::Component, &model.part_model(part), text);
                complete &= part_failures.is_empty();
                failures.extend(part_failures);
                let mut last_end = 0;
                for finding in &mut findings {
                    finding.part = tag;
                    last_end = last_end.max(finding.last_end());
                }
                found.append(&mut findings);
                last_end
            }
        };
        if (reused.is_none() || !keep_related)
            && !part.workloads.is_empty()
            && let Some(tag) = tag
        {
            related_again.push((tag, part.workloads.clone()));
        }
        // Until the related rules run again below, the findings here are the
        // component rules' and the reused related ones.
        let here = &found[before..];
        let related = here
            .iter()
            .filter(|finding| crate::rules::is_related(finding.code))
            .count();
        metas.push(PartMeta {
            range: part.range,
            count: here.len() - related,
            related,
            last_end,
            relations,
        });
    }
    let (related, related_failures) = run_related_rules(model, text, &related_again);
    complete &= related_failures.is_empty();
    failures.extend(related_failures);
    for finding in related {
        if let Some(meta) = finding.part.and_then(|at| metas.get_mut(at as usize)) {
            meta.related += 1;
            meta.last_end = meta.last_end.max(finding.last_end());
        }
        found.push(finding);
    }
    if cfg!(debug_assertions) {
        // Debug builds (tests, fuzzing) check that the parts add up to the whole.
        let order = |list: &mut Vec<Diagnostic>| {
            for each in list.iter_mut() {
                each.part = None;
            }
            list.sort_by(|a, b| (a.range, a.code, &a.message).cmp(&(b.range, b.code, &b.message)));
        };
        let (mut whole, _) = run_rules(model, text);
        let mut by_parts = found.clone();
        order(&mut whole);
        order(&mut by_parts);
        debug_assert_eq!(
            by_parts, whole,
            "the findings by part differ from the findings of the whole model"
        );
    }
    if !complete {
        for finding in &mut found {
            finding.part = None;
        }
    }
    let index = complete.then_some(PartIndex {
        parts: metas,
        reused: reused_parts,
        withheld: Vec::new(),
    });
    (found, failures, index)
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
fn point_into_shared_anchors(diagnostics: &mut Vec<Diagnostic>, doc: &crate::syntax::YamlDocument) {
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
            // Changed from what its rule made: not kept for the next analysis.
            diagnostic.part = None;
            for &use_range in uses.iter().take(5) {
                diagnostic.related.push(crate::diagnostic::Related {
                    range: use_range,
                    message: format!("the anchor `&{name}` is used here"),
                });
            }
        }
        let fixes = diagnostic.fixes.len();
        diagnostic.fixes.retain(|fix| {
            fix.edits
                .iter()
                .all(|edit| inside(edit.range).next().is_none())
        });
        if diagnostic.fixes.len() != fixes {
            diagnostic.part = None;
        }
    }
    // One finding per place: a rule's finding in a block that several components merge
    // is made once per component; keep the first and say how many more share it.
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut repeats: Vec<usize> = Vec::new();
    let mut first_at: std::collections::HashMap<(TextRange, &'static str), usize> =
        std::collections::HashMap::new();
    for diagnostic in diagnostics.drain(..) {
        if inside(diagnostic.range).next().is_some() {
            match first_at.entry((diagnostic.range, diagnostic.code)) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let first = &mut kept[*at.get()];
                    repeats[*at.get()] += 1;
                    // What the others point at (a requirement of theirs) still shows.
                    for related in diagnostic.related {
                        if !first.related.contains(&related) {
                            first.related.push(related);
                        }
                    }
                    continue;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(kept.len());
                }
            }
        }
        kept.push(diagnostic);
        repeats.push(0);
    }
    for (diagnostic, repeats) in kept.iter_mut().zip(repeats) {
        if repeats > 0 {
            diagnostic.message.push_str(&format!(
                " (the same holds for {repeats} other component{} that merge{} this block)",
                if repeats == 1 { "" } else { "s" },
                if repeats == 1 { "s" } else { "" }
            ));
        }
    }
    *diagnostics = kept;
}

/// Whether a text is a template, such as a Helm chart's `templates/*.yaml`: a `{{`
/// that YAML does not read as text (it opens a flow mapping, or sits in lines that do
/// not parse). Template syntax inside a string, a block scalar or a comment (a
/// Prometheus alert's `{{ $labels.instance }}`, `docker inspect --format
/// {{.State.Health.Status}}`) is ordinary text.
pub fn is_template(text: &str, stream: &crate::syntax::YamlStream) -> bool {
    // Only files holding `{{` can be templates: this runs on each keystroke.
    memchr::memmem::find_iter(text.as_bytes(), b"{{").any(|at| !stream.is_text_at(at))
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
    vec![too_large_note(
        &format!("this file is {}, above", human_size(size)),
        limit,
    )]
}

/// The informational `resource-limit` note for a text that was not checked because it
/// is larger than `limit`; `what` starts the sentence ("this file is 30.0 MB, above").
pub fn too_large_note(what: &str, limit: usize) -> Diagnostic {
    let mut note = RESOURCE_LIMIT.diagnostic(
        crate::text::TextRange::empty(0),
        format!(
            "{what} the {} limit (`max-file-size`): it was not checked",
            human_size(limit)
        ),
    );
    // Information, not a problem with the design.
    note.severity = crate::diagnostic::Severity::Info;
    note
}

/// A byte count for people: `1.2 GB`, `20.0 MB`, `512 KB`, `100 bytes` (binary units).
pub fn human_size(bytes: usize) -> String {
    const GB: usize = 1 << 30;
    const MB: usize = 1 << 20;
    const KB: usize = 1 << 10;
    if bytes >= GB {
        format!("{:.1} GB", bytes as f64 / GB as f64)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{:.1} KB", bytes as f64 / KB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(text: &'a str, path: &'a Path) -> AnalysisInput<'a> {
        AnalysisInput {
            text,
            path: Some(path),
            findings_by_part: true,
            ..AnalysisInput::default()
        }
    }

    fn has(analysis: &Analysis, code: &str) -> bool {
        analysis.diagnostics.iter().any(|d| d.code == code)
    }

    fn visible(analysis: &Analysis) -> Vec<String> {
        analysis
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{:?} {} {} {:?} {:?}",
                    d.range, d.code, d.message, d.related, d.fixes
                )
            })
            .collect()
    }

    /// Types `typed` after the first `after` in `text`, analysing the way the language
    /// server does; returns the analysis and the parts that kept their findings.
    fn edit_after(path: &str, text: &str, after: &str, typed: &str) -> (Analysis, usize) {
        let path = Path::new(path);
        let mut before = analyze(input(text, path));
        let parts = before.part_findings.as_ref().map_or(0, PartIndex::len);
        assert!(parts > 2, "{path:?} has parts");
        let at = text.find(after).expect("the place to type") + after.len();
        let mut edited = text.to_owned();
        edited.insert_str(at, typed);
        let edit = TextEdit {
            start: at,
            old_end: at,
            new_len: typed.len(),
        };
        let findings = before.take_part_findings();
        let after_edit = analyze_after_edit(
            input(&edited, path),
            before.parse,
            edit,
            before.model,
            findings,
        );
        let fresh = analyze(input(&edited, path));
        assert_eq!(visible(&after_edit), visible(&fresh), "{path:?}");
        let reused = after_edit
            .part_findings
            .as_ref()
            .map_or(0, PartIndex::reused);
        assert_eq!(
            after_edit.part_findings.as_ref().map(PartIndex::len),
            Some(parts)
        );
        (after_edit, reused)
    }

    const SPEC: &str = "ddia: 1\ndatastores:\n  a:\n    replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}\n  b:\n    model: relational\n    engine: lsm-tree\n    workload: read-heavy\n  c:\n    replication: {mode: multi-leader}\nservices:\n  api:\n    depends_on:\n      a: {retries: 3}\n  web:\n    depends_on:\n      b: {retries: 5, backoff: fixed}\nstreams:\n  orders:\n    partitions: 4\n    replication_factor: 1\n";

    const COMPOSE: &str = "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: secret\n    ports: [\"5432:5432\"]\n  cache:\n    image: redis:latest\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n  kafka:\n    image: bitnami/kafka:3.7\n    environment:\n      KAFKA_CFG_DEFAULT_REPLICATION_FACTOR: 1\n";

    #[test]
    fn a_value_edit_keeps_the_findings_of_the_other_spec_components() {
        // Inside datastore `b`: every other component keeps its findings, and the
        // findings of `b` (after the edit) and of those after it move.
        let (analysis, reused) = edit_after("x.ddia.yaml", SPEC, "model: rel", "x");
        assert_eq!(reused, 5);
        assert!(has(&analysis, "non-overlapping-quorums"));
        assert!(has(&analysis, "replication-factor-one"));
        // A change of a value that decides a finding is seen.
        let (analysis, reused) = edit_after("x.ddia.yaml", SPEC, "replication_factor: ", "3");
        assert_eq!(reused, 5);
        assert!(!has(&analysis, "replication-factor-one"));
    }

    #[test]
    fn a_value_edit_keeps_the_findings_of_the_other_compose_services() {
        let (analysis, reused) = edit_after("compose.yaml", COMPOSE, "image: ngin", "x");
        assert_eq!(reused, 3);
        for code in [
            "plaintext-secret",
            "exposed-datastore-port",
            "unpinned-image",
        ] {
            assert!(
                analysis.diagnostics.iter().any(|d| d.code == code),
                "{code}"
            );
        }
        let (analysis, reused) = edit_after("compose.yaml", COMPOSE, "image: redis:", "7-");
        assert_eq!(reused, 3);
        // `redis:7-latest` is pinned; `postgres` (no tag) still is not.
        let unpinned = |analysis: &Analysis| {
            analysis
                .diagnostics
                .iter()
                .filter(|d| d.code == "unpinned-image")
                .count()
        };
        assert_eq!(unpinned(&analysis), 1);
    }

    /// A part whose finding a comment suppressed (or anything else changed after its
    /// rule made it) is checked again after the next edit: its findings are not all
    /// there to keep.
    #[test]
    fn a_part_with_a_suppressed_finding_is_checked_again() {
        let text = SPEC.replace(
            "  orders:\n",
            "  orders:  # ddia: ignore[unversioned-event-schema]\n",
        );
        assert_ne!(text, SPEC);
        let (analysis, reused) = edit_after("x.ddia.yaml", &text, "model: rel", "x");
        assert_eq!(
            reused, 4,
            "every part but the edited one and the suppressed one"
        );
        assert!(!has(&analysis, "unversioned-event-schema"));
    }

    /// The related rules' findings of a kept service hold while no service read again
    /// changes a name, a system or a dependency; otherwise they are made again, also
    /// for the services the edit did not touch.
    #[test]
    fn related_findings_follow_the_names_and_systems_other_services_tell() {
        let related = ["depends-on-without-health-condition", "missing-healthcheck"];
        let (analysis, reused) = edit_after("compose.yaml", COMPOSE, "image: redis:", "7-");
        assert_eq!(reused, 3);
        for code in related {
            assert!(has(&analysis, code), "{code}");
        }
        // `web` now depends on `dbx`, which does not exist: `db`, kept as it was, no
        // longer has a dependant, so it needs no health check.
        let (analysis, reused) = edit_after("compose.yaml", COMPOSE, "depends_on: [db", "x");
        assert_eq!(reused, 3);
        for code in related {
            assert!(!has(&analysis, code), "{code}");
        }
        // `postgresx` is no image ddia knows: `web`, kept as it was, no longer waits
        // for a database.
        let (analysis, reused) = edit_after("compose.yaml", COMPOSE, "image: postgres", "x");
        assert_eq!(reused, 3);
        for code in related {
            assert!(!has(&analysis, code), "{code}");
        }
    }

    /// A broken file's findings offer no fixes; once it parses again, the services the
    /// mending edit did not touch keep their findings, and get their fixes back.
    #[test]
    fn findings_kept_through_a_syntax_error_get_their_fixes_back() {
        let path = Path::new("compose.yaml");
        let at = COMPOSE.find("image: ngin").expect("the place to type") + "image: ".len();
        let mut broken = COMPOSE.to_owned();
        broken.insert(at, '[');
        let typed = TextEdit {
            start: at,
            old_end: at,
            new_len: 1,
        };
        let deleted = TextEdit {
            start: at,
            old_end: at + 1,
            new_len: 0,
        };
        let mut first = analyze(input(COMPOSE, path));
        let findings = first.take_part_findings();
        let mut during = analyze_after_edit(
            input(&broken, path),
            first.parse,
            typed,
            first.model,
            findings,
        );
        assert!(has(&during, "syntax-error"));
        assert!(has(&during, "exposed-datastore-port"));
        assert!(during.diagnostics.iter().all(|d| d.fixes.is_empty()));
        let findings = during.take_part_findings();
        let mended = analyze_after_edit(
            input(COMPOSE, path),
            during.parse,
            deleted,
            during.model,
            findings,
        );
        assert_eq!(visible(&mended), visible(&analyze(input(COMPOSE, path))));
        assert_eq!(
            mended.part_findings.as_ref().map(PartIndex::reused),
            Some(3)
        );
        let fixed = |code: &str| {
            mended
                .diagnostics
                .iter()
                .any(|d| d.code == code && !d.fixes.is_empty())
        };
        assert!(fixed("exposed-datastore-port"));
        assert!(fixed("ephemeral-datastore-storage"));
    }

    /// While another top-level section has a syntax error, edits in `services` keep the
    /// parts they do not touch (no whole parse), and give what a fresh analysis gives:
    /// the same findings, the syntax error included.
    #[test]
    fn edits_beside_a_broken_section_give_what_a_fresh_analysis_gives() {
        let path = Path::new("compose.yaml");
        let mut text = format!("{COMPOSE}volumes:\n  data: {{}}\n    driver: local\n");
        let mut analysis = analyze(input(&text, path));
        assert!(has(&analysis, "syntax-error"));
        // (after this text, insert; or delete this text)
        let edits: [(&str, &str, bool); 6] = [
            ("image: redis:", "7-", true),
            ("  web:\n", "    restart: always\n", true),
            ("depends_on: [db", "x", true),
            ("depends_on: [db", "x", false),
            ("  web:\n", "    restart: always\n", false),
            ("POSTGRES_PASSWORD: sec", "9", true),
        ];
        for (after, typed, insert) in edits {
            let at = text.find(after).expect("the place to edit") + after.len();
            let edit = if insert {
                text.insert_str(at, typed);
                TextEdit {
                    start: at,
                    old_end: at,
                    new_len: typed.len(),
                }
            } else {
                assert!(text[at..].starts_with(typed), "{typed:?} follows {after:?}");
                text.replace_range(at..at + typed.len(), "");
                TextEdit {
                    start: at,
                    old_end: at + typed.len(),
                    new_len: 0,
                }
            };
            let findings = analysis.take_part_findings();
            analysis = analyze_after_edit(
                input(&text, path),
                analysis.parse,
                edit,
                analysis.model,
                findings,
            );
            assert_eq!(
                visible(&analysis),
                visible(&analyze(input(&text, path))),
                "after {typed:?} at {at}"
            );
            assert!(has(&analysis, "syntax-error"));
            assert!(
                analysis
                    .part_findings
                    .as_ref()
                    .is_some_and(|parts| parts.reused() > 0),
                "{typed:?} at {at}: the untouched services keep their findings"
            );
        }
    }

    #[test]
    fn an_edit_outside_every_part_keeps_every_parts_findings() {
        let text = format!("x-note: abc\n{COMPOSE}");
        let (_, reused) = edit_after("compose.yaml", &text, "x-note: ab", "z");
        assert_eq!(reused, 4);
    }
}
