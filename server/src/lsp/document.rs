//! Open documents: their text, version and latest analysis, and the edits that change them.

use super::convert;
use crate::analysis::{AnalysisInput, analyze};
use crate::diagnostic::Diagnostic;
use crate::line_index::{ColumnEncoding, LineIndex};
use crate::model::SystemModel;
use crate::rules::RuleFailure;
use crate::text::TextRange;
use std::path::PathBuf;
use std::sync::Arc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// An open document.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub language_id: String,
    /// The analysis of `analyzed_version`, if one finished.
    pub analysis: Option<Arc<Analyzed>>,
    /// The syntax tree of the last analysis, edited with every change since, for an
    /// incremental reparse.
    pub tree: Option<tree_sitter::Tree>,
    /// The edits since `analysis` (or `previous`) was made: one edit can be applied to
    /// that analysis's parse instead of parsing again.
    pub edits: EditsSince,
    /// The analysis of the version before the current one, kept only while one edit
    /// separates them, to be reused (and consumed) by the next analysis.
    pub previous: Option<Arc<Analyzed>>,
    /// The line index of `text`, updated with each edit.
    pub index: LineIndex,
}

/// What changed since the last analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditsSince {
    Nothing,
    One(crate::syntax::TextEdit),
    Several,
}

/// The result of analysing one version of a document.
#[derive(Debug)]
pub struct Analyzed {
    pub version: i32,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<RuleFailure>,
    pub kind: crate::kind::FileKind,
    /// The YAML view of the analysed text, for hovers and completion.
    pub parse: crate::syntax::Parse,
    /// What the other requests need from the model, computed after the diagnostics
    /// are published (see [`Analyzed::extras`]).
    extras: Arc<ExtrasCell>,
    /// Where the component rules' findings are, by part, for the next analysis to
    /// reuse (the findings are in `diagnostics`).
    pub part_findings: Option<crate::analysis::PartIndex>,
    /// The `publishDiagnostics` frame of `diagnostics`, written on the analysis thread
    /// while they are in its cache, for the publish to take.
    pub frame: std::sync::Mutex<Option<Vec<u8>>>,
    /// What this file tells the other files of its project; `None` when it has none
    /// (then nothing reads them).
    pub facts: Option<Arc<crate::project::Facts>>,
}

/// What hovers, hints, the outline, navigation and the checklist need from a model.
#[derive(Debug, Default)]
pub struct Extras {
    /// The outline: components of the model, grouped.
    pub symbols: Vec<OutlineGroup>,
    /// Every place a component name is defined or used, for navigation and rename.
    pub names: Vec<NameSite>,
    /// Computed notes beside replication, consensus and stream values.
    pub hints: Vec<crate::annotations::Hint>,
    /// The design-review checklist of a system spec, and where its code lens goes.
    pub checklist: Option<(crate::review::Checklist, TextRange)>,
}

impl Extras {
    fn of(model: &SystemModel, text: &str) -> Self {
        Extras {
            hints: crate::annotations::hints(model, text),
            checklist: (model.format == crate::model::SourceFormat::Spec)
                .then(|| (crate::review::review(model), model.top)),
            symbols: outline(model),
            names: name_sites(model),
        }
    }

    /// The component name (definition or use) at a byte offset, for navigation.
    pub fn name_at(&self, offset: usize) -> Option<&NameSite> {
        self.names
            .iter()
            .find(|site| site.range.contains_inclusive(offset))
    }
}

/// The [`Extras`] of an analysis, computed once: by a background task right after the
/// diagnostics are published, or by the first request that needs them, whichever
/// comes first. Shared apart from the [`Analyzed`], so that the background task never
/// keeps the analysis alive (the next keystroke takes it over).
#[derive(Debug, Default)]
pub struct ExtrasCell {
    extras: std::sync::OnceLock<Extras>,
    /// The model and text to compute them from, until they are.
    pending: std::sync::Mutex<Option<(SystemModel, String)>>,
    /// The model, kept after the extras are computed: hovers read it, and the next
    /// analysis reuses the parts of it that an edit does not touch.
    kept: std::sync::Mutex<Option<SystemModel>>,
}

impl ExtrasCell {
    pub fn get(&self) -> &Extras {
        self.extras.get_or_init(|| {
            let pending = self
                .pending
                .lock()
                .map(|mut pending| pending.take())
                .unwrap_or_default();
            let extras = pending
                .as_ref()
                .map(|(model, text)| Extras::of(model, text))
                .unwrap_or_default();
            // Kept before the extras are marked ready (see `discard`): for hovers, and
            // for the next analysis to reuse.
            if let Some((model, _)) = pending
                && let Ok(mut kept) = self.kept.lock()
            {
                *kept = Some(model);
            }
            extras
        })
    }

    /// Whether the extras are still to compute from a model no newer analysis took.
    pub fn is_pending(&self) -> bool {
        self.pending
            .lock()
            .map(|pending| pending.is_some())
            .unwrap_or(false)
    }

    /// Gives up the extras of a closed document: the model is freed now if they were
    /// not computed yet; if they are being computed, this waits until they are (and
    /// the model is freed).
    pub fn discard(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.take();
        }
        self.get();
        self.take_model();
    }

    /// Runs `read` on the model once the extras are computed (`None` if the model is
    /// gone: taken over by a newer analysis, or discarded).
    pub fn with_model<R>(&self, read: impl FnOnce(&SystemModel) -> R) -> Option<R> {
        self.get();
        let kept = self.kept.lock().ok()?;
        kept.as_ref().map(read)
    }

    /// The model, for the next analysis to reuse: the analysis it belongs to is
    /// superseded, so its extras are no longer needed. Taken as is if they were not
    /// computed yet; else once they are (this waits while they are being computed),
    /// if it was kept.
    pub fn take_model(&self) -> Option<SystemModel> {
        let pending = self.pending.lock().ok()?.take();
        let model = match pending {
            Some((model, text)) => {
                super::dropper::drop_later(text);
                model
            }
            None => {
                self.get();
                self.kept.lock().ok()?.take()?
            }
        };
        // Only specs and Compose files reuse their model; a Kubernetes one is freed.
        if model.format == crate::model::SourceFormat::Kubernetes {
            super::dropper::drop_later(model);
            return None;
        }
        Some(model)
    }
}

/// A component name where it is defined (a key under `datastores:`) or used (a
/// `depends_on` entry, an access pattern's `datastore`, a step's `service`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameSite {
    pub name: String,
    pub range: TextRange,
    pub definition: bool,
}

fn name_sites(model: &SystemModel) -> Vec<NameSite> {
    let mut sites = Vec::new();
    let mut add = |name: &str, range: TextRange, definition: bool| {
        sites.push(NameSite {
            name: name.to_owned(),
            range,
            definition,
        });
    };
    for datastore in &model.datastores {
        if datastore.origin == crate::model::Origin::Spec {
            add(&datastore.name.value, datastore.name.range, true);
        }
    }
    for service in &model.services {
        add(&service.name.value, service.name.range, true);
        for dependency in &service.dependencies {
            add(&dependency.target.value, dependency.target.range, false);
        }
    }
    for stream in model
        .streams
        .iter()
        .filter(|s| s.origin == crate::model::Origin::Spec)
    {
        for consumer in &stream.consumers {
            add(&consumer.name.value, consumer.name.range, false);
        }
    }
    for workflow in &model.workflows {
        for step in &workflow.steps {
            if let Some(service) = &step.service {
                add(&service.value, service.range, false);
            }
        }
    }
    for pattern in model.requirements.iter().flat_map(|r| &r.access_patterns) {
        if let Some(datastore) = &pattern.datastore {
            add(&datastore.value, datastore.range, false);
        }
    }
    for workload in &model.workloads {
        if workload.kind == crate::model::WorkloadKind::ComposeService {
            add(&workload.name.value, workload.name.range, true);
            for dependency in &workload.depends_on {
                add(&dependency.target.value, dependency.target.range, false);
            }
        }
    }
    sites
}

/// A group of the outline ("Datastores") and its entries: name, name range, full range.
#[derive(Debug)]
pub struct OutlineGroup {
    pub title: &'static str,
    pub entries: Vec<(String, TextRange, TextRange)>,
}

fn outline(model: &SystemModel) -> Vec<OutlineGroup> {
    let entry = |name: &str, name_range: TextRange, range: TextRange| {
        (name.to_owned(), name_range, range.cover(name_range))
    };
    let groups = [
        (
            "Datastores",
            model
                .datastores
                .iter()
                .map(|d| entry(&d.name.value, d.name.range, d.section.range))
                .collect::<Vec<_>>(),
        ),
        (
            "Services",
            model
                .services
                .iter()
                .map(|s| entry(&s.name.value, s.name.range, s.section.range))
                .collect(),
        ),
        (
            "Streams",
            model
                .streams
                .iter()
                .filter(|s| s.origin != crate::model::Origin::Infrastructure)
                .map(|s| entry(&s.name.value, s.name.range, s.section.range))
                .collect(),
        ),
        (
            "Workflows",
            model
                .workflows
                .iter()
                .map(|w| entry(&w.name.value, w.name.range, w.section.range))
                .collect(),
        ),
        (
            "Consensus groups",
            model
                .consensus_groups
                .iter()
                .filter(|g| g.origin != crate::model::Origin::Infrastructure)
                .map(|g| entry(&g.name.value, g.name.range, g.section.range))
                .collect(),
        ),
        (
            "Workloads",
            model
                .workloads
                .iter()
                .map(|w| entry(&w.name.value, w.name.range, w.section.range))
                .collect(),
        ),
    ];
    groups
        .into_iter()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(title, entries)| OutlineGroup { title, entries })
        .collect()
}

fn image_hovers(model: &SystemModel) -> Vec<(TextRange, String)> {
    model
        .workloads
        .iter()
        .filter_map(|workload| {
            let image = workload.image.as_ref()?;
            let system = workload.system?;
            // What ddia took the container for, and from what.
            let source = if crate::model::catalog::starts_server(&workload.command) {
                "the server its command starts"
            } else if image.value.system().is_some() {
                "its image"
            } else {
                "settings only that server reads"
            };
            let role = if workload.runs_client() {
                " It runs a one-off job or a client here, not the server: it keeps no data of its own."
            } else {
                ""
            };
            let dirs = workload.data_dirs();
            Some((
                image.range,
                format!(
                    "**{}** (`{}`): ddia reads this container as {}, from {source}.{role}\n\n{}\n\nData directory: `{}`. Default port{}: {}.",
                    system.display,
                    image.value.name,
                    system.display,
                    system.replication,
                    dirs.first().map_or("?", String::as_str),
                    if system.ports.len() == 1 { "" } else { "s" },
                    system
                        .ports
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        })
        .collect()
}

impl Analyzed {
    /// The publish frame written with the analysis, if it was and nothing took it yet.
    pub fn take_frame(&self) -> Option<Vec<u8>> {
        self.frame.lock().ok()?.take()
    }

    /// Hovers, hints, the outline, names and the checklist (computed on first use).
    pub fn extras(&self) -> &Extras {
        self.extras.get()
    }

    /// The image note at a byte offset (a Compose or Kubernetes image), computed from
    /// the model when a hover asks.
    pub fn image_hover_at(&self, offset: usize) -> Option<(TextRange, String)> {
        self.extras
            .with_model(|model| {
                image_hovers(model)
                    .into_iter()
                    .find(|(range, _)| range.contains_inclusive(offset))
            })
            .flatten()
    }

    /// The innermost design summary or staleness table at a byte offset, computed from
    /// the model when a hover asks.
    pub fn design_hover_at(&self, offset: usize) -> Option<crate::annotations::HoverNote> {
        self.extras
            .with_model(|model| {
                crate::annotations::hovers(model)
                    .into_iter()
                    .filter(|note| note.range.contains_inclusive(offset))
                    .min_by_key(|note| note.range.len())
            })
            .flatten()
    }

    /// See [`ExtrasCell::discard`].
    pub fn discard_extras(&self) {
        self.extras.discard();
    }

    /// The cell of [`Analyzed::extras`], to compute them in the background.
    pub fn extras_cell(&self) -> Arc<ExtrasCell> {
        self.extras.clone()
    }
}

impl Document {
    pub fn new(text: String, version: i32, language_id: String) -> Self {
        Document {
            index: LineIndex::new(&text),
            text,
            version,
            language_id,
            analysis: None,
            tree: None,
            edits: EditsSince::Several,
            previous: None,
        }
    }

    /// Applies content changes in order: ranged ones splice, others replace the text.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: ColumnEncoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let target = convert::text_range(&self.index, range, encoding);
                    let start = floor_char_boundary(&self.text, target.start);
                    let end = floor_char_boundary(&self.text, target.end.max(start));
                    if let Some(tree) = &mut self.tree {
                        crate::syntax::edit_tree(tree, &self.text, start, end, &change.text);
                    }
                    self.text.replace_range(start..end, &change.text);
                    self.index
                        .apply_edit(&self.text, start, end, change.text.len());
                    self.edits = match self.edits {
                        EditsSince::Nothing => EditsSince::One(crate::syntax::TextEdit {
                            start,
                            old_end: end,
                            new_len: change.text.len(),
                        }),
                        _ => EditsSince::Several,
                    };
                }
                None => {
                    self.text = change.text;
                    self.index = LineIndex::new(&self.text);
                    self.tree = None;
                    self.edits = EditsSince::Several;
                }
            }
        }
        self.version = version;
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path for a document's URI, used to recognise file kinds by name.
pub fn path_of(uri: &Uri) -> PathBuf {
    let text = uri.as_str();
    let path = text.strip_prefix("file://").unwrap_or(text);
    PathBuf::from(percent_decode(path))
}

/// The `file://` URI of an absolute path (bytes other than letters, digits, `/` and
/// `-._~` percent-encoded).
pub fn uri_of(path: &std::path::Path) -> Option<Uri> {
    use std::fmt::Write as _;
    let text = path.to_str()?;
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    std::str::FromStr::from_str(&uri).ok()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(value) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What an analysis of a document starts from: its current text and what is left of
/// the previous analysis.
pub struct Snapshot {
    pub text: String,
    pub version: i32,
    pub language_id: String,
    /// The previous syntax tree, edited to the current text.
    pub tree: Option<tree_sitter::Tree>,
    /// The previous analysis and the one edit since, to update its parse in place.
    pub reuse: Option<(Arc<Analyzed>, crate::syntax::TextEdit)>,
    /// The line index of `text`, if the caller has one; else it is built.
    pub index: Option<LineIndex>,
}

/// Analyses a snapshot of a document. Runs off the async runtime.
pub fn analyze_snapshot(
    uri: &Uri,
    snapshot: Snapshot,
    max_file_size: Option<usize>,
    workspace: Option<&std::path::Path>,
    project: Option<&crate::project::ProjectContext>,
) -> Analyzed {
    let Snapshot {
        text,
        version,
        language_id,
        tree: previous_tree,
        reuse,
        index,
    } = snapshot;
    let index = index.unwrap_or_else(|| LineIndex::new(&text));
    let path = path_of(uri);
    let input = AnalysisInput {
        text: &text,
        path: Some(&path),
        language_id: Some(&language_id),
        previous_tree: previous_tree.as_ref(),
        read_file: Some(&crate::analysis::read_from_disk),
        max_file_size,
        workspace,
        line_index: Some(&index),
        findings_by_part: true,
        // One glibc arena here (see `lsp::limit_allocator_arenas`): two parsing
        // threads would wait on each other.
        parse_in_parts: false,
        project,
    };
    // The previous analysis's parse is reused when nothing else holds it.
    let mut analysis = match reuse.map(|(previous, edit)| (Arc::try_unwrap(previous), edit)) {
        Some((Ok(previous), edit)) => {
            let Analyzed {
                parse,
                extras,
                part_findings,
                diagnostics,
                index: old_index,
                failures,
                frame,
                ..
            } = previous;
            let model = extras.take_model();
            let findings = part_findings.map(|parts| parts.collect(diagnostics));
            super::dropper::drop_later((old_index, failures, frame, extras));
            crate::analysis::analyze_after_edit(input, parse, edit, model, findings)
        }
        _ => analyze(input),
    };
    // Only a file with a project has files that read its facts: one alone pays nothing
    // on its keystrokes.
    let facts = match (&analysis.model, analysis.kind) {
        (Some(model), crate::kind::FileKind::Kubernetes | crate::kind::FileKind::Compose)
            if project.is_some() =>
        {
            // With a kustomization's namespace applied, as the others read it too.
            let facts = crate::project::Facts::of(model, &shown_path(&path, workspace));
            Some(Arc::new(facts))
        }
        _ => None,
    };
    let extras = ExtrasCell {
        extras: std::sync::OnceLock::new(),
        pending: std::sync::Mutex::new(analysis.model.take().map(|model| (model, text))),
        kept: std::sync::Mutex::new(None),
    };
    Analyzed {
        version,
        index,
        kind: analysis.kind,
        parse: analysis.parse,
        diagnostics: analysis.diagnostics,
        failures: analysis.failures,
        part_findings: analysis.part_findings,
        frame: std::sync::Mutex::new(None),
        extras: Arc::new(extras),
        facts,
    }
}

/// How findings name a file of the workspace: relative to it when inside it.
pub fn shown_path(path: &std::path::Path, workspace: Option<&std::path::Path>) -> String {
    workspace
        .and_then(|root| path.strip_prefix(root).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(s, e)| Range::new(Position::new(s.0, s.1), Position::new(e.0, e.1))),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn applies_ranged_and_full_changes_in_order() {
        let mut doc = Document::new("a: 1\nb: 😀x\n".to_owned(), 1, "yaml".to_owned());
        doc.apply_changes(
            2,
            vec![
                change(Some(((0, 3), (0, 4))), "2"),
                // UTF-16: the emoji is two units, so `x` starts at column 5.
                change(Some(((1, 5), (1, 6))), "y"),
            ],
            ColumnEncoding::Utf16,
        );
        assert_eq!(doc.text, "a: 2\nb: 😀y\n");
        assert_eq!(doc.version, 2);
        doc.apply_changes(3, vec![change(None, "c: 3\n")], ColumnEncoding::Utf16);
        assert_eq!(doc.text, "c: 3\n");
    }

    fn analyzed(text: &str) -> Analyzed {
        let uri: Uri = "file:///work/shop.ddia.yaml".parse().expect("a valid URI");
        let snapshot = Snapshot {
            text: text.to_owned(),
            version: 1,
            language_id: "yaml".to_owned(),
            tree: None,
            reuse: None,
            index: None,
        };
        analyze_snapshot(&uri, snapshot, None, None, None)
    }

    const SPEC: &str = "ddia: 1\ndatastores:\n  orders:\n    replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}\n";

    #[test]
    fn extras_are_computed_on_first_use_from_the_model() {
        let analyzed = analyzed(SPEC);
        assert!(!analyzed.diagnostics.is_empty());
        let extras = analyzed.extras();
        assert_eq!(
            extras
                .name_at(SPEC.find("orders").expect("the name"))
                .map(|site| site.name.as_str()),
            Some("orders")
        );
        assert!(!extras.symbols.is_empty());
        assert!(!extras.hints.is_empty());
        // Computed once: the same extras every time.
        assert!(std::ptr::eq(extras, analyzed.extras()));
    }

    #[test]
    fn discarded_extras_are_empty_and_free_the_model() {
        let analyzed = analyzed(SPEC);
        analyzed.discard_extras();
        let extras = analyzed.extras();
        assert!(extras.names.is_empty() && extras.symbols.is_empty() && extras.hints.is_empty());
        assert!(
            analyzed
                .extras
                .pending
                .lock()
                .expect("not poisoned")
                .is_none()
        );
    }

    #[test]
    fn paths_come_from_file_uris() {
        let uri: Uri = "file:///home/me/my%20specs/shop.ddia.yaml"
            .parse()
            .expect("a valid URI");
        assert_eq!(
            path_of(&uri),
            PathBuf::from("/home/me/my specs/shop.ddia.yaml")
        );
    }
}
