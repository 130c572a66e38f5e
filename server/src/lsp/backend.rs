//! The `LanguageServer` implementation: lifecycle, document sync, diagnostics, actions, hovers, inlay hints and code lenses.

use super::convert;
use super::document::{Analyzed, Document, analyze_snapshot};
use super::{completion, context};
use crate::kind::FileKind;
use crate::line_index::ColumnEncoding;
use crate::rules;
use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Reads a file of a document's project from disk: a regular file of at most 1 MiB.
fn read_project_file(path: &std::path::Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    (metadata.is_file() && metadata.len() <= 1 << 20)
        .then(|| std::fs::read_to_string(path).ok())
        .flatten()
}

/// The code action kind that applies every safe fix of a file.
const FIX_ALL: &str = "source.fixAll.ddia";

/// The command that opens a rule's documentation (its argument is the rule's code).
const SHOW_DOCUMENTATION: &str = "ddia.showRuleDocumentation";

/// The command of the checklist code lens: shows the design-review checklist of the
/// spec whose URI is its argument, and returns it as JSON.
const SHOW_CHECKLIST: &str = "ddia.showDesignChecklist";

pub struct Backend {
    client: Client,
    /// Publishes diagnostics serialised once, straight to stdout (`None` in-process:
    /// then through the client).
    publisher: Option<super::transport::Publisher>,
    /// Resolves each file's settings: the nearest `ddia.toml` and the client's settings,
    /// combined by the client's `configurationPreference`.
    resolver: RwLock<Arc<crate::resolve::Resolver>>,
    /// The configuration files whose errors are published as their diagnostics.
    config_problems: tokio::sync::Mutex<Vec<crate::config::ConfigError>>,
    /// The workspace folder: files that documents name are read only inside it (or
    /// beside the document).
    workspace: RwLock<Option<std::path::PathBuf>>,
    documents: DashMap<Uri, Document>,
    /// What each file of the workspace tells the others of its project: open
    /// documents' from their buffers, other files' read from disk when first needed.
    facts: Arc<crate::project::FactsCache>,
    encoding: RwLock<ColumnEncoding>,
    /// Whether the client pulls diagnostics (`textDocument/diagnostic`); then the
    /// server does not push them too.
    pull_diagnostics: AtomicBool,
    /// Held while deciding to publish and publishing, so that diagnostics of a closed
    /// document or a superseded version can never be sent after the current ones.
    publishing: tokio::sync::Mutex<()>,
    /// The `inlayHints.enable` and `codeLens.enable` settings.
    inlay_hints: AtomicBool,
    code_lens: AtomicBool,
    /// Whether the client can be asked to request inlay hints and code lenses again.
    inlay_hint_refresh: AtomicBool,
    code_lens_refresh: AtomicBool,
    /// Whether the client lets the server register to hear of changed files on disk.
    watch_files: AtomicBool,
}

impl Backend {
    pub fn new(client: Client, publisher: Option<super::transport::Publisher>) -> Self {
        Backend {
            client,
            publisher,
            resolver: RwLock::new(Arc::new(crate::resolve::Resolver::editor(
                crate::resolve::SettingsLayer::default(),
                crate::resolve::ConfigurationPreference::default(),
            ))),
            config_problems: tokio::sync::Mutex::new(Vec::new()),
            workspace: RwLock::new(None),
            documents: DashMap::new(),
            facts: Arc::new(crate::project::FactsCache::default()),
            encoding: RwLock::new(ColumnEncoding::Utf16),
            pull_diagnostics: AtomicBool::new(false),
            publishing: tokio::sync::Mutex::new(()),
            inlay_hints: AtomicBool::new(true),
            code_lens: AtomicBool::new(true),
            inlay_hint_refresh: AtomicBool::new(false),
            code_lens_refresh: AtomicBool::new(false),
            watch_files: AtomicBool::new(false),
        }
    }

    fn encoding(&self) -> ColumnEncoding {
        self.encoding
            .read()
            .map(|guard| *guard)
            .unwrap_or(ColumnEncoding::Utf16)
    }

    /// Analyses the current version of a document and stores the result, unless the
    /// document changed meanwhile. Returns the analysis if it is still current.
    async fn analyze(&self, uri: &Uri) -> Option<Arc<Analyzed>> {
        let (text, version, language_id, previous_tree, reuse, index) = {
            let mut document = self.documents.get_mut(uri)?;
            if let Some(analysis) = &document.analysis
                && analysis.version == document.version
            {
                return Some(analysis.clone());
            }
            (
                document.text.clone(),
                document.version,
                document.language_id.clone(),
                document.tree.clone(),
                match document.edits {
                    super::document::EditsSince::One(edit) => {
                        document.previous.take().map(|previous| (previous, edit))
                    }
                    _ => None,
                },
                document.index.clone(),
            )
        };
        let snapshot_uri = uri.clone();
        let resolver = self.resolver();
        let workspace = self.workspace.read().ok().and_then(|root| root.clone());
        // Over stdio, the publish frame is written right after the analysis, on its
        // thread (see `refresh`).
        let frame_encoding = (self.publisher.is_some()
            && !self.pull_diagnostics.load(Ordering::Relaxed))
        .then(|| self.encoding());
        let facts = self.facts.clone();
        let analyzed = tokio::task::spawn_blocking(move || {
            // The same resolution as the command line's ([`crate::resolve`]).
            let resolved = resolver.resolve(Some(&super::document::path_of(&snapshot_uri)), &text);
            let (settings, max_file_size) = (resolved.settings, Some(resolved.max_file_size));
            let snapshot = super::document::Snapshot {
                text,
                version,
                language_id,
                tree: previous_tree,
                reuse,
                index: Some(index),
            };
            // A Kubernetes file is read with the facts of the other files of its project.
            let path = super::document::path_of(&snapshot_uri);
            let project = ((snapshot.text.contains("apiVersion")
                || crate::project::compose_role(&path).is_some())
                && path.is_absolute())
            .then(|| {
                let shown = |member: &std::path::Path| {
                    super::document::shown_path(member, workspace.as_deref())
                };
                crate::project::context_for(
                    &path,
                    workspace.as_deref(),
                    &read_project_file,
                    &facts,
                    &shown,
                )
            })
            .flatten();
            let mut analyzed = analyze_snapshot(
                &snapshot_uri,
                snapshot,
                max_file_size,
                workspace.as_deref(),
                project.as_ref(),
            );
            settings.apply(&mut analyzed.diagnostics);
            if let Some(encoding) = frame_encoding
                && let Ok(mut frame) = analyzed.frame.lock()
            {
                *frame = Some(convert::publish_frame(
                    &snapshot_uri,
                    &analyzed.index,
                    encoding,
                    &analyzed.diagnostics,
                    Some(analyzed.version),
                ));
            }
            analyzed
        })
        .await;
        let analyzed = match analyzed {
            Ok(analyzed) => Arc::new(analyzed),
            Err(error) => {
                self.client
                    .log_message(
                        MessageType::ERROR,
                        format!("ddia: analysing {} failed: {error}", uri.as_str()),
                    )
                    .await;
                return None;
            }
        };
        for failure in &analyzed.failures {
            self.client
                .log_message(
                    MessageType::ERROR,
                    format!(
                        "ddia: rule `{}` failed on {} and was skipped: {}",
                        failure.code,
                        uri.as_str(),
                        failure.message
                    ),
                )
                .await;
        }
        let mut document = self.documents.get_mut(uri)?;
        if document.version != version {
            return None;
        }
        // The last handle of a whole file's syntax tree (after an edit parsed by
        // region) takes long to free: another thread does it.
        let old_tree = std::mem::replace(&mut document.tree, analyzed.parse.reusable.clone());
        super::dropper::drop_later(old_tree);
        document.analysis = Some(analyzed.clone());
        document.edits = super::document::EditsSince::Nothing;
        document.previous = None;
        Some(analyzed)
    }

    /// Records what a document now tells the other files of its project; when that
    /// changed, analyses and publishes again the other open documents it concerns.
    async fn update_facts(&self, uri: &Uri, facts: Arc<crate::project::Facts>) {
        let path = super::document::path_of(uri);
        if !self.facts.set(&path, Some(facts)) {
            return;
        }
        self.refresh_dependents(&path).await;
    }

    /// Analyses and publishes again the open Kubernetes documents whose project holds
    /// `path` (a file whose facts changed).
    async fn refresh_dependents(&self, path: &std::path::Path) {
        let workspace = self.workspace.read().ok().and_then(|root| root.clone());
        let candidates: Vec<Uri> = self
            .documents
            .iter()
            .filter(|entry| {
                let own = super::document::path_of(entry.key());
                own != path
                    && (entry.value().text.contains("apiVersion")
                        || crate::project::compose_role(&own).is_some())
            })
            .map(|entry| entry.key().clone())
            .collect();
        let target = crate::project::normalise(path);
        let kustomizations = match &workspace {
            Some(root) => self
                .facts
                .kustomizations(&crate::project::normalise(root), &read_project_file),
            None => Arc::new(Vec::new()),
        };
        for uri in candidates {
            let own = super::document::path_of(&uri);
            let list_folder = |folder: &std::path::Path| {
                crate::project::yaml_files_in(folder, crate::project::MAX_FOLDER_FILES)
            };
            let project = crate::project::project_of(&own, &kustomizations, &list_folder);
            // A kustomization decides what its projects hold: all of them are redone.
            if !crate::project::is_kustomization(&target) && !project.members.contains(&target) {
                continue;
            }
            if let Some(mut document) = self.documents.get_mut(&uri) {
                document.analysis = None;
            }
            // Its own facts do not depend on another file's: nothing cascades.
            Box::pin(self.refresh_one(uri)).await;
        }
    }

    fn lsp_diagnostics(&self, uri: &Uri, analyzed: &Analyzed) -> Vec<Diagnostic> {
        convert::diagnostics(uri, &analyzed.index, self.encoding(), &analyzed.diagnostics)
    }

    /// Analyses and, unless the client pulls diagnostics, publishes them.
    async fn refresh(&self, uri: Uri) {
        // A file read alone computes no facts: what is known of it stays as it was.
        if let Some(Some(facts)) = self.refresh_one(uri.clone()).await {
            self.update_facts(&uri, facts).await;
        }
    }

    /// [`Backend::refresh`] of one document, without looking at the documents that
    /// depend on it; returns what it now tells its project, once analysed.
    async fn refresh_one(&self, uri: Uri) -> Option<Option<Arc<crate::project::Facts>>> {
        let analyzed = self.analyze(&uri).await?;
        let facts = analyzed.facts.clone();
        // Hovers, hints and the outline are computed once the diagnostics are on their
        // way, not before (a request that comes first computes them itself).
        let extras = analyzed.extras_cell();
        let _compute_extras = ComputeOnDrop(Some(extras));
        if self.pull_diagnostics.load(Ordering::Relaxed) {
            return Some(facts);
        }
        // Over stdio the frame is written straight from the findings; in-process the
        // client serialises LSP values.
        let published = match &self.publisher {
            Some(publisher) => Published::Frame(
                analyzed.take_frame().unwrap_or_else(|| {
                    convert::publish_frame(
                        &uri,
                        &analyzed.index,
                        self.encoding(),
                        &analyzed.diagnostics,
                        Some(analyzed.version),
                    )
                }),
                publisher,
            ),
            None => Published::Values(self.lsp_diagnostics(&uri, &analyzed)),
        };
        let _publishing = self.publishing.lock().await;
        let current = self
            .documents
            .get(&uri)
            .is_some_and(|document| document.version == analyzed.version);
        if !current {
            // Closed or changed since: the close or the newer version publishes instead.
            return Some(facts);
        }
        match published {
            Published::Frame(frame, publisher) => {
                publisher.send_frame(frame).await;
            }
            Published::Values(diagnostics) => {
                self.publish(uri, diagnostics, Some(analyzed.version)).await;
            }
        }
        Some(facts)
    }

    /// Sends `textDocument/publishDiagnostics`: serialised once and queued for stdout
    /// when serving over stdio, else through the client. Callers hold `publishing`.
    async fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        match &self.publisher {
            Some(publisher) => {
                let params = PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                };
                publisher.publish_diagnostics(&params).await;
            }
            None => {
                self.client
                    .publish_diagnostics(uri, diagnostics, version)
                    .await;
            }
        }
    }
}

/// Diagnostics ready to publish: a whole frame and the stdio output for it, or LSP
/// values for the client (in-process).
enum Published<'a> {
    Frame(Vec<u8>, &'a super::transport::Publisher),
    Values(Vec<Diagnostic>),
}

/// Starts computing an analysis's extras when dropped (at the end of
/// [`Backend::refresh`], whichever way it returns), once typing pauses: after
/// [`EXTRAS_AFTER_IDLE`], on a blocking thread, unless a newer analysis has taken the
/// model over by then (a request that needs them computes them at once).
struct ComputeOnDrop(Option<Arc<super::document::ExtrasCell>>);

/// How long after a publish the extras wait before they are computed: while the user
/// types faster than this, the next keystroke's analysis has both processors to itself.
const EXTRAS_AFTER_IDLE: std::time::Duration = std::time::Duration::from_millis(50);

impl Drop for ComputeOnDrop {
    fn drop(&mut self) {
        if let Some(extras) = self.0.take() {
            tokio::spawn(async move {
                tokio::time::sleep(EXTRAS_AFTER_IDLE).await;
                if extras.is_pending() {
                    // At normal priority: the next analysis may wait for these extras
                    // to take over the model they are computed from.
                    tokio::task::spawn_blocking(move || {
                        extras.get();
                    });
                }
            });
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.clone())
            .unwrap_or_default();
        let encoding = if offered.contains(&PositionEncodingKind::UTF8) {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        };
        if let Ok(mut slot) = self.encoding.write() {
            *slot = convert::column_encoding(&encoding);
        }
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|text| text.diagnostic.as_ref())
            .is_some();
        self.pull_diagnostics.store(pull, Ordering::Relaxed);
        let workspace = params.capabilities.workspace.as_ref();
        self.watch_files.store(
            workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|c| c.dynamic_registration)
                .unwrap_or(false),
            Ordering::Relaxed,
        );
        let refresh = |supported: Option<bool>| supported.unwrap_or(false);
        self.inlay_hint_refresh.store(
            refresh(
                workspace
                    .and_then(|w| w.inlay_hint.as_ref())
                    .and_then(|c| c.refresh_support),
            ),
            Ordering::Relaxed,
        );
        self.code_lens_refresh.store(
            refresh(
                workspace
                    .and_then(|w| w.code_lens.as_ref())
                    .and_then(|c| c.refresh_support),
            ),
            Ordering::Relaxed,
        );
        if let Some(pid) = params.process_id {
            let message = if watch_parent(pid) {
                format!("ddia: watching the editor's process {pid}; the server exits when it does")
            } else {
                format!(
                    "ddia: the editor's process {pid} is not visible here (another PID namespace, such as a container?); not watching it"
                )
            };
            self.client.log_message(MessageType::INFO, message).await;
        }
        if let Some(options) = params.initialization_options {
            self.update_settings(options).await;
        }
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first().map(|f| f.uri.clone()))
            .or(params.root_uri.clone());
        if let Some(root) = &root
            && let Ok(mut slot) = self.workspace.write()
        {
            *slot = Some(super::document::path_of(root));
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "ddia".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![":".to_owned(), " ".to_owned()]),
                    ..Default::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![SHOW_DOCUMENTATION.to_owned(), SHOW_CHECKLIST.to_owned()],
                    ..Default::default()
                }),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(FIX_ALL),
                        ]),
                        ..Default::default()
                    },
                )),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("ddia".to_owned()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client
            .log_message(
                MessageType::INFO,
                format!("ddia {} language server ready", env!("CARGO_PKG_VERSION")),
            )
            .await;
        // Files of a project that are not open change on disk too (a checkout, another
        // tool): registered the way rust-analyzer does, when the client allows it.
        if self.watch_files.load(Ordering::Relaxed) {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: ["**/*.yaml", "**/*.yml", "**/Kustomization", "**/ddia.toml"]
                    .into_iter()
                    .map(|pattern| FileSystemWatcher {
                        glob_pattern: GlobPattern::String(pattern.to_owned()),
                        kind: None,
                    })
                    .collect(),
            };
            let registration = Registration {
                id: "ddia-watched-files".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(options).ok(),
            };
            // Not awaited here: a client that never answers must not hold up the
            // notifications that follow `initialized`, nor `shutdown` and `exit`.
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(error) = client.register_capability(vec![registration]).await {
                    client
                        .log_message(
                            MessageType::WARNING,
                            format!("ddia: cannot watch files for project changes: {error}"),
                        )
                        .await;
                }
            });
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        // An open document speaks for itself; a file on disk is read again when needed.
        let mut changed = Vec::new();
        let mut configuration_changed = false;
        for event in params.changes {
            let path = super::document::path_of(&event.uri);
            if path.file_name() == Some(std::ffi::OsStr::new(crate::config::FILE_NAME)) {
                configuration_changed = true;
                continue;
            }
            // A kustomization is read from disk even while open: saving it counts.
            if crate::project::is_kustomization(&path) {
                self.facts.forget_kustomizations();
                changed.push(path);
                continue;
            }
            if self.documents.contains_key(&event.uri) {
                continue;
            }
            let was_known = self.facts.forget(&path);
            if was_known
                || crate::project::is_kustomization(&path)
                || event.typ == FileChangeType::CREATED
            {
                changed.push(path);
            }
        }
        if configuration_changed {
            // A `ddia.toml` was created, changed or removed: every file is resolved again.
            self.resolver().forget_configs();
            self.reanalyze_all().await;
            self.publish_config_problems().await;
            return;
        }
        for path in changed {
            self.refresh_dependents(&path).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.documents.insert(
            document.uri.clone(),
            Document::new(document.text, document.version, document.language_id),
        );
        self.refresh(document.uri).await;
        // The document's folder may have brought a `ddia.toml` that cannot be used.
        self.publish_config_problems().await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        // Applied before any `.await`, so concurrent notifications keep their order.
        {
            let encoding = self.encoding();
            let Some(mut document) = self.documents.get_mut(&uri) else {
                return;
            };
            document.apply_changes(
                params.text_document.version,
                params.content_changes,
                encoding,
            );
            // The analysis of the previous version answers nothing any more: freeing it
            // now, not when the next one is stored, halves the memory of a large file
            // during its analysis. Dropping it takes a while, so a blocking thread does.
            // One edit after an analysis: its parse can be updated instead of redone.
            let stale = document.analysis.take();
            let unusable = match document.edits {
                super::document::EditsSince::One(_) if stale.is_some() => {
                    (std::mem::replace(&mut document.previous, stale), None)
                }
                _ => (stale, document.previous.take()),
            };
            if unusable.0.is_some() || unusable.1.is_some() {
                super::dropper::drop_later(unusable);
            }
        }
        self.refresh(uri).await;
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command == SHOW_CHECKLIST {
            return self.show_checklist(&params.arguments).await;
        }
        if params.command != SHOW_DOCUMENTATION {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let code = params
            .arguments
            .first()
            .and_then(|argument| argument.as_str())
            .unwrap_or_default();
        let Some(rule) = rules::rule(code) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "no rule has the code `{code}`"
            )));
        };
        let Ok(uri) = rule.url().parse::<Uri>() else {
            return Ok(None);
        };
        // Ask the editor to open the rule's page; clients without `window/showDocument`
        // get the page's address in a message instead.
        let shown = self
            .client
            .show_document(ShowDocumentParams {
                uri,
                external: Some(true),
                take_focus: Some(true),
                selection: None,
            })
            .await
            .unwrap_or(false);
        if !shown {
            self.client
                .show_message(
                    MessageType::INFO,
                    format!("{}: {} ({})", rule.code, rule.summary, rule.url()),
                )
                .await;
        }
        Ok(None)
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if !self.update_settings(params.settings).await {
            return;
        }
        self.reanalyze_all().await;
        self.publish_config_problems().await;
        // Hints and lenses may have been switched on or off.
        if self.inlay_hint_refresh.load(Ordering::Relaxed) {
            let _ = self.client.inlay_hint_refresh().await;
        }
        if self.code_lens_refresh.load(Ordering::Relaxed) {
            let _ = self.client.code_lens_refresh().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        // Removed before any `.await`, so a reopening that follows is not undone.
        let closed = self.documents.remove(&uri);
        if let Some((_, document)) = closed {
            // Dropping a large document's tree and model off this thread, then handing
            // the freed pages back to the system, keeps the server's memory at the size
            // of what is open. Hovers still being computed are waited for first, so
            // that their memory is freed before the pages are handed back.
            tokio::task::spawn_blocking(move || {
                for analyzed in [&document.analysis, &document.previous]
                    .into_iter()
                    .flatten()
                {
                    analyzed.discard_extras();
                }
                super::dropper::drop_later(document);
                super::dropper::release_memory_after_drops();
            });
        }
        {
            let _publishing = self.publishing.lock().await;
            let reopened = self.documents.contains_key(&uri);
            if !reopened && !self.pull_diagnostics.load(Ordering::Relaxed) {
                self.publish(uri.clone(), Vec::new(), None).await;
            }
        }
        // The file on disk speaks for it again (unsaved edits are gone).
        let path = super::document::path_of(&uri);
        if !self.documents.contains_key(&uri) && self.facts.forget(&path) {
            self.refresh_dependents(&path).await;
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let items = match self.analyze(&uri).await {
            Some(analyzed) => self.lsp_diagnostics(&uri, &analyzed),
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let only = params.context.only.clone();
        let wants = |kind: &CodeActionKind| {
            only.as_ref()
                .is_none_or(|kinds| kinds.iter().any(|k| kind.as_str().starts_with(k.as_str())))
        };
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        // Suppressions come after every fix.
        let mut ignores: Vec<CodeActionOrCommand> = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            let analyzed = self.analyze(&uri).await;
            let encoding = self.encoding();
            for diagnostic in &params.context.diagnostics {
                if diagnostic.source.as_deref() != Some("ddia") {
                    continue;
                }
                let Some(NumberOrString::String(code)) = &diagnostic.code else {
                    continue;
                };
                // The fixes come from the finding the diagnostic was published for: the
                // same rule at the same range in the current analysis. A diagnostic from
                // an older version that no longer matches gets no fix (its edits would
                // land in the wrong place).
                let found = analyzed.as_deref().and_then(|analyzed| {
                    let finding = analyzed.diagnostics.iter().find(|finding| {
                        finding.code == code.as_str()
                            && convert::range(&analyzed.index, finding.range, encoding)
                                == diagnostic.range
                    })?;
                    Some((analyzed, finding))
                });
                ignores.extend(self.ignore_actions(&uri, code, diagnostic).await);
                if let Some(rule) = rules::rule(code) {
                    ignores.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("Show documentation for `{}`", rule.code),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        command: Some(Command {
                            title: format!("Show documentation for `{}`", rule.code),
                            command: SHOW_DOCUMENTATION.to_owned(),
                            arguments: Some(vec![serde_json::Value::String(rule.code.to_owned())]),
                        }),
                        is_preferred: Some(false),
                        ..Default::default()
                    }));
                }
                let Some((analyzed, finding)) = found else {
                    continue;
                };
                let single_safe_fix = finding.fixes.len() == 1
                    && finding.fixes[0].applicability == crate::diagnostic::Applicability::Safe;
                for fix in &finding.fixes {
                    let edits = convert::text_edits(&analyzed.index, encoding, &fix.edits);
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.message.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), edits)])),
                            ..Default::default()
                        }),
                        is_preferred: Some(single_safe_fix),
                        ..Default::default()
                    }));
                }
            }
        }
        actions.extend(ignores);
        let fix_all = CodeActionKind::new(FIX_ALL);
        if only.as_ref().is_some_and(|kinds| {
            kinds
                .iter()
                .any(|k| fix_all.as_str().starts_with(k.as_str()))
        }) && let Some(action) = self.fix_all(&uri).await
        {
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .outline(&params.text_document.uri)
            .await
            .map(DocumentSymbolResponse::Nested))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let encoding = self.encoding();
        // The current text, even if the analysis is of an older version.
        let (text, language_id) = match self.documents.get(&uri) {
            Some(document) => (document.text.clone(), document.language_id.clone()),
            None => return Ok(None),
        };
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        let index = crate::line_index::LineIndex::new(&text);
        let offset = convert::offset(&index, position, encoding);
        let is_spec = analyzed.kind == FileKind::Spec
            || crate::kind::kind_from_name(&super::document::path_of(&uri)) == Some(FileKind::Spec);
        // Rule codes inside a suppression comment's brackets.
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..offset];
        if let Some(at) = prefix.find("# ddia: ignore")
            && prefix[at..].contains('[')
            && !prefix[at..].contains(']')
        {
            let items = rules::ALL_RULES
                .iter()
                .map(|rule| CompletionItem {
                    label: rule.code.to_owned(),
                    kind: Some(CompletionItemKind::CONSTANT),
                    detail: Some(rule.summary.to_owned()),
                    ..Default::default()
                })
                .collect();
            return Ok(Some(CompletionResponse::Array(items)));
        }
        let Some(completing) = completion::completing(&text, offset) else {
            return Ok(None);
        };
        let path = match &completing {
            completion::Completing::Key { path, .. }
            | completion::Completing::Value { path, .. } => path,
        };
        let in_fragment = path.iter().any(|p| p == "x-ddia");
        // Compose and Kubernetes keys are yaml-language-server's; only fragments are ours.
        if !is_spec && !in_fragment {
            let _ = language_id;
            return Ok(None);
        }
        let items = match &completing {
            completion::Completing::Key { path, present } => {
                let Some(node) = completion::schema_for(path) else {
                    return Ok(None);
                };
                let mut items: Vec<CompletionItem> = node
                    .properties()
                    .into_iter()
                    .filter(|(key, _)| !present.iter().any(|p| p == key))
                    .map(|(key, child)| CompletionItem {
                        label: key.to_owned(),
                        kind: Some(CompletionItemKind::PROPERTY),
                        documentation: child.description().map(|d| {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: d.to_owned(),
                            })
                        }),
                        insert_text: Some(format!("{key}: ")),
                        ..Default::default()
                    })
                    .collect();
                if node.properties().iter().any(|(k, _)| *k == "replication")
                    && !present.iter().any(|p| p == "replication")
                {
                    items.push(CompletionItem {
                        label: "replication (section)".to_owned(),
                        kind: Some(CompletionItemKind::SNIPPET),
                        detail: Some("mode, replicas and quorums".to_owned()),
                        insert_text: Some(
                            "replication:\n  mode: ${1|single-leader,multi-leader,leaderless,none|}\n  replicas: ${2:3}\n  write_quorum: ${3:2}\n  read_quorum: ${4:2}".to_owned(),
                        ),
                        insert_text_format: Some(InsertTextFormat::SNIPPET),
                        ..Default::default()
                    });
                }
                items
            }
            completion::Completing::Value { path, key } => {
                let mut full = path.clone();
                full.push(key.clone());
                let Some(node) = completion::schema_for(&full) else {
                    return Ok(None);
                };
                node.enum_values()
                    .into_iter()
                    .map(|value| CompletionItem {
                        label: value.to_owned(),
                        kind: Some(CompletionItemKind::ENUM_MEMBER),
                        documentation: completion::value_doc(key, value, &full).map(|d| {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: d.to_owned(),
                            })
                        }),
                        ..Default::default()
                    })
                    .collect()
            }
        };
        Ok((!items.is_empty()).then_some(CompletionResponse::Array(items)))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&analyzed.index, position, encoding);
        let Some(site) = analyzed.extras().name_at(offset) else {
            return Ok(None);
        };
        let Some(definition) = analyzed
            .extras()
            .names
            .iter()
            .find(|s| s.definition && s.name == site.name)
        else {
            return Ok(None);
        };
        Ok(Some(GotoDefinitionResponse::Scalar(Location::new(
            uri,
            convert::range(&analyzed.index, definition.range, encoding),
        ))))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&analyzed.index, position, encoding);
        let Some(site) = analyzed.extras().name_at(offset) else {
            return Ok(None);
        };
        let include = params.context.include_declaration;
        let locations: Vec<Location> = analyzed
            .extras()
            .names
            .iter()
            .filter(|s| s.name == site.name && (include || !s.definition))
            .map(|s| {
                Location::new(
                    uri.clone(),
                    convert::range(&analyzed.index, s.range, encoding),
                )
            })
            .collect();
        Ok(Some(locations))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let new_name = params.new_name;
        let valid = !new_name.is_empty()
            && new_name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "`{new_name}` is not a valid component name (letters, digits, `-`, `_`, `.`)"
            )));
        }
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&analyzed.index, position, encoding);
        let Some(site) = analyzed.extras().name_at(offset) else {
            return Ok(None);
        };
        let edits: Vec<TextEdit> = analyzed
            .extras()
            .names
            .iter()
            .filter(|s| s.name == site.name)
            .map(|s| TextEdit {
                range: convert::range(&analyzed.index, s.range, encoding),
                new_text: new_name.clone(),
            })
            .collect();
        Ok(Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..Default::default()
        }))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.inlay_hints.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let Some(analyzed) = self.analyze(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let wanted = convert::text_range(&analyzed.index, params.range, encoding);
        let hints = analyzed
            .extras()
            .hints
            .iter()
            .filter(|hint| wanted.contains_inclusive(hint.offset))
            .map(|hint| InlayHint {
                position: convert::position(&analyzed.index, hint.offset, encoding),
                label: InlayHintLabel::String(hint.label.clone()),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(hint.tooltip.clone())),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Ok(Some(hints))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if !self.code_lens.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let uri = params.text_document.uri;
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        let Some((checklist, top)) = &analyzed.extras().checklist else {
            return Ok(None);
        };
        let title = format!("Design checklist: {}", checklist.summary());
        Ok(Some(vec![CodeLens {
            range: convert::range(&analyzed.index, *top, self.encoding()),
            command: Some(Command {
                title: title.clone(),
                command: SHOW_CHECKLIST.to_owned(),
                arguments: Some(vec![serde_json::Value::String(uri.as_str().to_owned())]),
            }),
            data: None,
        }]))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let Some(analyzed) = self.analyze(&uri).await else {
            return Ok(None);
        };
        #[cfg(feature = "fault-injection")]
        if self
            .documents
            .get(&uri)
            .is_some_and(|document| document.text.starts_with(rules::FAULT_HOVER_PANIC))
        {
            panic!("injected fault in the hover handler");
        }
        let encoding = self.encoding();
        let offset = convert::offset(&analyzed.index, position, encoding);
        if let Some((range, markdown)) = analyzed.image_hover_at(offset) {
            return Ok(Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(convert::range(&analyzed.index, range, encoding)),
            }));
        }
        if let Some(hover) = suppression_hover(&analyzed, offset, encoding) {
            return Ok(Some(hover));
        }
        // A design summary or staleness table: alone, or after the finding there.
        let design = analyzed.design_hover_at(offset);
        let Some(finding) = analyzed
            .diagnostics
            .iter()
            .filter(|d| d.range.contains_inclusive(offset))
            .min_by_key(|d| d.range.len())
        else {
            if let Some(note) = design {
                return Ok(Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: note.markdown,
                    }),
                    range: Some(convert::range(&analyzed.index, note.range, encoding)),
                }));
            }
            return Ok(vocabulary_hover(&analyzed, offset, encoding));
        };
        let mut markdown = format!(
            "**{}** ({})\n\n{}\n",
            finding.code,
            finding.severity.as_str(),
            finding.message
        );
        if let Some(rule) = rules::rule(finding.code) {
            markdown.push_str(&format!(
                "\n---\n\n{}\n\n[Rule documentation]({})",
                why_section(&rule.docs()),
                rule.url()
            ));
        }
        if let Some(note) = design {
            markdown.push_str("\n\n---\n\n");
            markdown.push_str(&note.markdown);
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::range(&analyzed.index, finding.range, encoding)),
        }))
    }
}

impl Backend {
    /// Shows the design-review checklist of the spec named by the first argument (a
    /// URI) as a message, and returns it as JSON (items with LSP ranges).
    async fn show_checklist(
        &self,
        arguments: &[serde_json::Value],
    ) -> Result<Option<serde_json::Value>> {
        let Some(uri) = arguments
            .first()
            .and_then(|argument| argument.as_str())
            .and_then(|text| text.parse::<Uri>().ok())
        else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "the argument must be the URI of an open system spec",
            ));
        };
        let Some(analyzed) = self.analyze(&uri).await else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "{} is not open",
                uri.as_str()
            )));
        };
        let Some((checklist, _)) = &analyzed.extras().checklist else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "{} is not a system spec: the design checklist applies to specs",
                uri.as_str()
            )));
        };
        let path = super::document::path_of(&uri);
        let name = path.file_name().map_or_else(
            || uri.as_str().to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let text = crate::review::render_text(checklist, &analyzed.index, &name);
        self.client.show_message(MessageType::INFO, text).await;
        let encoding = self.encoding();
        let items: Vec<serde_json::Value> = checklist
            .items
            .iter()
            .map(|item| {
                serde_json::json!({
                    "id": item.id,
                    "part": item.part.title(),
                    "title": item.title,
                    "status": item.status.as_str(),
                    "range": item.range.map(|r| convert::range(&analyzed.index, r, encoding)),
                    "detail": item.detail,
                })
            })
            .collect();
        Ok(Some(serde_json::json!({
            "summary": checklist.summary(),
            "items": items,
        })))
    }

    /// Reads settings (`{"select": ..., "ignore": ..., "severity": ..., "inlayHints":
    /// {"enable": ...}, "codeLens": {"enable": ...}}`, at the top level or under
    /// `ddia`); invalid ones are reported to the user and ignored.
    /// The current settings resolution.
    fn resolver(&self) -> Arc<crate::resolve::Resolver> {
        self.resolver
            .read()
            .map(|resolver| resolver.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Analyses and publishes every open document again (the settings changed).
    async fn reanalyze_all(&self) {
        let uris: Vec<Uri> = self
            .documents
            .iter()
            .map(|entry| entry.key().clone())
            .collect();
        for uri in &uris {
            if let Some(mut document) = self.documents.get_mut(uri) {
                document.analysis = None;
            }
        }
        for uri in uris {
            self.refresh(uri).await;
        }
    }

    /// Publishes each broken `ddia.toml` met so far as a diagnostic in that file (and
    /// clears the ones fixed since), telling the user once with a message too.
    async fn publish_config_problems(&self) {
        let errors = self.resolver().config_errors();
        let mut published = self.config_problems.lock().await;
        if *published == errors {
            return;
        }
        let uri_of = super::document::uri_of;
        for fixed in published
            .iter()
            .filter(|old| !errors.iter().any(|new| new.path == old.path))
        {
            if let Some(uri) = uri_of(&fixed.path) {
                self.client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        }
        for error in errors.iter().filter(|error| !published.contains(error)) {
            self.client
                .show_message(MessageType::ERROR, format!("ddia: {error}"))
                .await;
        }
        for error in &errors {
            let Some(uri) = uri_of(&error.path) else {
                continue;
            };
            let (line, column) = error.position.unwrap_or((1, 1));
            let start = Position::new(
                u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX),
                u32::try_from(column.saturating_sub(1)).unwrap_or(u32::MAX),
            );
            let diagnostic = Diagnostic {
                range: Range::new(start, Position::new(start.line.saturating_add(1), 0)),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("invalid-configuration".to_owned())),
                source: Some("ddia".to_owned()),
                message: format!(
                    "{}; until it is fixed, files under it are checked without it",
                    error.message
                ),
                ..Default::default()
            };
            self.client
                .publish_diagnostics(uri, vec![diagnostic], None)
                .await;
        }
        *published = errors;
    }

    async fn update_settings(&self, value: serde_json::Value) -> bool {
        let value = value.get("ddia").cloned().unwrap_or(value);
        match crate::settings::ClientSettings::from_json(value) {
            Ok(client) => {
                self.inlay_hints
                    .store(client.inlay_hints.enable, Ordering::Relaxed);
                self.code_lens
                    .store(client.code_lens.enable, Ordering::Relaxed);
                let layer = crate::resolve::SettingsLayer {
                    profile: client.profile,
                    max_file_size: client.max_file_size.map(|size| size.0),
                    ..crate::resolve::SettingsLayer::from_rules(client.rules)
                };
                let unknown = layer.unknown_selectors();
                if !unknown.is_empty() {
                    self.client
                        .show_message(
                            MessageType::WARNING,
                            format!(
                                "ddia: unknown rule codes or categories in the settings: {}",
                                unknown.join(", ")
                            ),
                        )
                        .await;
                }
                if let Ok(mut slot) = self.resolver.write() {
                    *slot = Arc::new(crate::resolve::Resolver::editor(
                        layer,
                        client.configuration_preference,
                    ));
                }
                true
            }
            Err(error) => {
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!("ddia: invalid settings: {error}"),
                    )
                    .await;
                false
            }
        }
    }

    /// "Ignore CODE on this line" and "Ignore CODE in this file", as suppression comments.
    async fn ignore_actions(
        &self,
        uri: &Uri,
        code: &str,
        diagnostic: &Diagnostic,
    ) -> Vec<CodeActionOrCommand> {
        if matches!(code, "unused-suppression" | "invalid-suppression") {
            return Vec::new();
        }
        let Some(analyzed) = self.analyze(uri).await else {
            return Vec::new();
        };
        let text = match self.documents.get(uri) {
            Some(document) if document.version == analyzed.version => document.text.clone(),
            _ => return Vec::new(),
        };
        let encoding = self.encoding();
        let range = convert::text_range(&analyzed.index, diagnostic.range, encoding);
        let comments = &analyzed.parse.stream.comments;
        let fixes = [
            crate::suppression::ignore_on_line(code, range, &text, comments, &analyzed.index),
            crate::suppression::ignore_in_file(code),
        ];
        fixes
            .into_iter()
            .map(|fix| {
                let edits = convert::text_edits(&analyzed.index, encoding, &fix.edits);
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.message,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), edits)])),
                        ..Default::default()
                    }),
                    is_preferred: Some(false),
                    ..Default::default()
                })
            })
            .collect()
    }

    /// The outline of a document: its components grouped by kind.
    async fn outline(&self, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
        let analyzed = self.analyze(uri).await?;
        let encoding = self.encoding();
        let index = &analyzed.index;
        #[allow(deprecated)]
        let symbols = analyzed
            .extras()
            .symbols
            .iter()
            .filter_map(|group| {
                let children: Vec<DocumentSymbol> = group
                    .entries
                    .iter()
                    .map(|(name, selection, range)| DocumentSymbol {
                        name: name.clone(),
                        detail: None,
                        kind: SymbolKind::OBJECT,
                        tags: None,
                        deprecated: None,
                        range: convert::range(index, *range, encoding),
                        selection_range: convert::range(index, *selection, encoding),
                        children: None,
                    })
                    .collect();
                let first = children.first()?.range;
                let last = children.last()?.range;
                Some(DocumentSymbol {
                    name: group.title.to_owned(),
                    detail: Some(format!("{}", children.len())),
                    kind: SymbolKind::NAMESPACE,
                    tags: None,
                    deprecated: None,
                    range: Range::new(first.start, last.end),
                    selection_range: first,
                    children: Some(children),
                })
            })
            .collect();
        Some(symbols)
    }

    /// One action applying every safe fix of the file (non-overlapping ones).
    async fn fix_all(&self, uri: &Uri) -> Option<CodeAction> {
        let analyzed = self.analyze(uri).await?;
        let encoding = self.encoding();
        // The selection `ddia check --fix` makes in its first round.
        let edits: Vec<TextEdit> = crate::fix_all::select(&analyzed.diagnostics, false)
            .into_iter()
            .flat_map(|(_, edits)| edits)
            .map(|edit| TextEdit {
                range: convert::range(&analyzed.index, edit.range, encoding),
                new_text: edit.content.clone(),
            })
            .collect();
        if edits.is_empty() {
            return None;
        }
        Some(CodeAction {
            title: "Apply all safe ddia fixes".to_owned(),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }),
            ..Default::default()
        })
    }
}

/// Hover on a rule code inside a suppression comment: what the rule finds.
fn suppression_hover(
    analyzed: &Analyzed,
    offset: usize,
    encoding: ColumnEncoding,
) -> Option<Hover> {
    let comment = analyzed
        .parse
        .stream
        .comments
        .iter()
        .find(|c| c.range.contains_inclusive(offset))?;
    // The suppression's codes are located in the text; the comment's own text is enough.
    let text_stub = " ".repeat(comment.range.start) + &comment.text;
    let index = crate::line_index::LineIndex::new(&text_stub);
    let suppression = crate::suppression::parse_comment(comment, &text_stub, &index)?;
    let (code, range) = suppression
        .codes
        .iter()
        .find(|(_, range)| range.contains_inclusive(offset))?;
    let rule = rules::rule(code)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!(
                "**{}** ({})\n\n{}.\n\n{}\n\n[Rule documentation]({})",
                rule.code,
                rule.severity.as_str(),
                rule.summary,
                why_section(&rule.docs()),
                rule.url()
            ),
        }),
        range: Some(convert::range(&analyzed.index, *range, encoding)),
    })
}

/// Hover on a key or enumerated value of the spec vocabulary, from the schema.
fn vocabulary_hover(analyzed: &Analyzed, offset: usize, encoding: ColumnEncoding) -> Option<Hover> {
    if !matches!(analyzed.kind, FileKind::Spec | FileKind::Compose) {
        return None;
    }
    let doc = analyzed.parse.stream.first_document()?;
    let place = context::place_at(doc, offset)?;
    if analyzed.kind == FileKind::Compose && !place.path.iter().any(|p| p == "x-ddia") {
        return None;
    }
    let node = completion::schema_for(&place.path)?;
    let key = place.path.last()?.clone();
    let markdown = if place.on_key {
        format!("**{key}**\n\n{}", node.description()?)
    } else {
        let value = place.text.clone()?;
        match completion::value_doc(&key, &value, &place.path) {
            Some(doc) => format!(
                "{doc}\n\n---\n\n`{key}`: {}",
                node.description().unwrap_or("")
            ),
            None if node.enum_values().contains(&value.as_str()) => {
                format!("`{key}: {value}`\n\n{}", node.description()?)
            }
            None => return None,
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(convert::range(&analyzed.index, place.range, encoding)),
    })
}

/// The "Why is this bad" section of a rule's documentation.
fn why_section(docs: &str) -> String {
    let Some(start) = docs.find("## Why is this bad") else {
        return String::new();
    };
    let body = &docs[start + "## Why is this bad".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim().to_owned()
}

/// Exits when the editor that started the server dies without saying goodbye.
/// Exits when the editor's process `pid` ends, checked every 3 seconds, so a server
/// whose editor crashed does not linger. Only a live process this server can see is
/// watched (not `0`, not this process, not an id from another PID namespace, whose
/// `/proc` entry is missing here or names another process); returns whether it is.
fn watch_parent(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let proc_path = std::path::PathBuf::from(format!("/proc/{pid}"));
        if pid == 0 || pid == std::process::id() || !proc_path.exists() {
            return false;
        }
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                if !proc_path.exists() {
                    std::process::exit(0);
                }
            }
        });
        true
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        false
    }
}
