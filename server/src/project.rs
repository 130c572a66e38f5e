//! Projects: the files that describe one system together, and the facts each file lends the others.
//!
//! A Kubernetes application is usually a folder of manifests: its StatefulSet in one
//! file, its PodDisruptionBudget in another, its Services in a third. Read alone, each
//! file would get findings the others answer. A project joins them:
//! - Kubernetes files are combined per `kustomization.yaml` (its `resources` and
//!   `components`, files and folders, recursively; its `namespace` applies to every
//!   object it gathers; other transformers are not applied), and otherwise per folder:
//!   the YAML files side by side in one directory.
//! - Each file yields its [`Facts`]: only what other files need from it (budgets,
//!   workloads' labels and systems, whether it holds pods ddia cannot see). The
//!   analysis of a file is given the facts of the other files of its project
//!   ([`crate::analysis::AnalysisInput::project`]) and never reads them itself.
//! - A finding is reported in the file where its fix belongs (a budget that blocks
//!   drains, in the budget's file; a workload no budget selects, in the workload's).
//!
//! - Compose files are combined the way `docker compose` reads them by default: a
//!   base file with its `*.override.*` file in the same folder; and a service that
//!   `extends` one of another file (`extends: {file, service}`) gets that service's
//!   volumes, health check and system. `include:` and `-f` lists are not joined yet.

pub use crate::model::foreign::{Facts, ForeignBudget, ForeignWorkload};
use crate::model::{SystemModel, WorkloadKind};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the analysis of one file is given of its project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectContext {
    /// The facts of the project's other files.
    pub others: Arc<Facts>,
    /// The namespace a kustomization gives this file's objects.
    pub namespace: Option<String>,
    /// How many files the project has, this one included (for messages).
    pub files: usize,
}

/// Sets the namespace a kustomization gives a file's own objects.
pub fn apply_namespace(model: &mut SystemModel, namespace: &str) {
    for workload in &mut model.workloads {
        if workload.kind != WorkloadKind::ComposeService {
            workload.namespace = Some(namespace.to_owned());
        }
    }
    for budget in &mut model.disruption_budgets {
        budget.namespace = Some(namespace.to_owned());
    }
    for service in &mut model.exposing_services {
        service.namespace = Some(namespace.to_owned());
    }
}

/// One project: its member files, and the namespace a kustomization sets for some.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub members: Vec<PathBuf>,
    pub namespaces: HashMap<PathBuf, String>,
    /// The kustomization that gathers it, if one does.
    pub kustomization: Option<PathBuf>,
}

/// The names a kustomization file has.
pub const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a path names a kustomization file.
pub fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| KUSTOMIZATION_NAMES.contains(&name))
}

/// Reads a text file for project discovery (kustomizations are small).
pub type ReadText<'a> = dyn Fn(&Path) -> Option<String> + 'a;

/// The files a kustomization gathers, recursively (`resources` and `components`: files,
/// and folders holding a kustomization of their own), each with the namespace it gets
/// (the nearest kustomization's `namespace` wins). Remote resources are skipped, and a
/// cycle is cut where it closes.
pub fn kustomization_members(
    kustomization: &Path,
    read: &ReadText<'_>,
) -> Vec<(PathBuf, Option<String>)> {
    let mut members = Vec::new();
    let mut visiting = HashSet::new();
    gather(kustomization, None, read, &mut visiting, &mut members);
    members
}

fn gather(
    kustomization: &Path,
    outer_namespace: Option<&str>,
    read: &ReadText<'_>,
    visiting: &mut HashSet<PathBuf>,
    members: &mut Vec<(PathBuf, Option<String>)>,
) {
    let key = normalise(kustomization);
    if !visiting.insert(key) || visiting.len() > 256 {
        return;
    }
    let Some(text) = read(kustomization) else {
        return;
    };
    let Some(dir) = kustomization.parent() else {
        return;
    };
    let listed = kustomization_entries(&text);
    // An outer kustomization's namespace overrides the inner one's.
    let namespace = outer_namespace
        .map(str::to_owned)
        .or_else(|| listed.namespace.clone());
    for entry in listed.resources {
        if entry.contains("://") || entry.starts_with("git@") || entry.starts_with("github.com/") {
            continue;
        }
        let path = dir.join(&entry);
        let nested = KUSTOMIZATION_NAMES
            .iter()
            .map(|name| path.join(name))
            .find(|candidate| read(candidate).is_some());
        match nested {
            Some(nested) => gather(&nested, namespace.as_deref(), read, visiting, members),
            None => {
                let normalised = normalise(&path);
                if !members.iter().any(|(member, _)| *member == normalised) {
                    members.push((normalised, namespace.clone()));
                }
            }
        }
    }
}

/// The entries of a kustomization that ddia follows.
#[derive(Debug, Default, PartialEq)]
struct KustomizationEntries {
    resources: Vec<String>,
    namespace: Option<String>,
}

fn kustomization_entries(text: &str) -> KustomizationEntries {
    let parse = crate::syntax::parse(text);
    let mut entries = KustomizationEntries::default();
    let Some(doc) = parse.stream.first_document() else {
        return entries;
    };
    let Some(root) = doc.root else {
        return entries;
    };
    for section in ["resources", "components", "bases"] {
        if let Some(list) = doc.get(root, section) {
            entries.resources.extend(
                doc.items(list)
                    .iter()
                    .filter_map(|&item| doc.str(item).map(str::to_owned)),
            );
        }
    }
    entries.namespace = doc
        .get(root, "namespace")
        .and_then(|value| doc.str(value))
        .filter(|namespace| !namespace.is_empty())
        .map(str::to_owned);
    entries
}

/// A path without `.` and `..` components (not resolving links), for comparing paths.
pub fn normalise(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A kustomization of the workspace and the files it gathers (with their namespace).
#[derive(Clone, Debug, PartialEq)]
pub struct Kustomization {
    pub path: PathBuf,
    pub members: Vec<(PathBuf, Option<String>)>,
}

/// The kustomization files under `root`: a bounded walk (at most 10 levels deep and
/// 20,000 entries) that skips hidden folders and the usual dependency and build
/// folders, each read with what it gathers.
pub fn find_kustomizations(root: &Path, read: &ReadText<'_>) -> Vec<Kustomization> {
    const SKIPPED: [&str; 4] = ["node_modules", "target", "vendor", "__pycache__"];
    let mut found = Vec::new();
    let mut pending = vec![(normalise(root), 0)];
    let mut seen = 0;
    while let Some((dir, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            seen += 1;
            if seen > 20_000 {
                return found;
            }
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if depth < 10 && !name.starts_with('.') && !SKIPPED.contains(&name.as_ref()) {
                    pending.push((entry.path(), depth + 1));
                }
            } else if file_type.is_file() && KUSTOMIZATION_NAMES.contains(&name.as_ref()) {
                let path = entry.path();
                let members = kustomization_members(&path, read);
                found.push(Kustomization { path, members });
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The project of one file: the files gathered with it by the outermost
/// kustomizations that gather it (several overlays of one base count together, with
/// a namespace only where they agree), else the YAML files of its own folder.
/// `list_folder` names a folder's YAML files.
pub fn project_of(
    file: &Path,
    kustomizations: &[Kustomization],
    list_folder: &dyn Fn(&Path) -> Vec<PathBuf>,
) -> Project {
    let target = normalise(file);
    let gathering: Vec<&Kustomization> = kustomizations
        .iter()
        .filter(|k| k.members.iter().any(|(member, _)| *member == target))
        .collect();
    // A kustomization that another one gathers whole (a base) is part of that one.
    let outermost: Vec<&Kustomization> = gathering
        .iter()
        .copied()
        .filter(|inner| {
            !gathering.iter().any(|outer| {
                outer.path != inner.path
                    && outer.members.len() > inner.members.len()
                    && inner
                        .members
                        .iter()
                        .all(|(member, _)| outer.members.iter().any(|(m, _)| m == member))
            })
        })
        .collect();
    if !outermost.is_empty() {
        let mut project = Project {
            kustomization: Some(outermost[0].path.clone()),
            ..Project::default()
        };
        let mut disagree: HashSet<PathBuf> = HashSet::new();
        for kustomization in &outermost {
            for (member, namespace) in &kustomization.members {
                if !project.members.contains(member) {
                    project.members.push(member.clone());
                }
                let known = project.namespaces.get(member).cloned();
                match (known, namespace) {
                    (None, Some(namespace)) if !disagree.contains(member) => {
                        project.namespaces.insert(member.clone(), namespace.clone());
                    }
                    (Some(known), other) if other.as_ref() != Some(&known) => {
                        project.namespaces.remove(member);
                        disagree.insert(member.clone());
                    }
                    _ => {}
                }
            }
        }
        return project;
    }
    let folder = target.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut members: Vec<PathBuf> = list_folder(&folder)
        .into_iter()
        .map(|path| normalise(&path))
        .filter(|path| !is_kustomization(path))
        .collect();
    if !members.contains(&target) {
        members.push(target);
    }
    members.sort();
    Project {
        members,
        ..Project::default()
    }
}

/// The YAML files directly inside a folder, at most `limit` of them, sorted.
pub fn yaml_files_in(folder: &Path, limit: usize) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml"))
        })
        .take(limit)
        .collect();
    files.sort();
    files
}

/// The facts of files, read once each: the command line keeps them for a run, the
/// language server until a file changes ([`FactsCache::forget`]).
#[derive(Debug, Default)]
pub struct FactsCache {
    by_path: std::sync::Mutex<HashMap<PathBuf, Option<Arc<Facts>>>>,
    /// The kustomizations of the workspace, found once (until one changes).
    kustomizations: std::sync::Mutex<Option<(PathBuf, Arc<Vec<Kustomization>>)>>,
}

impl FactsCache {
    /// The kustomizations under `root`, found the first time they are asked for.
    pub fn kustomizations(&self, root: &Path, read: &ReadText<'_>) -> Arc<Vec<Kustomization>> {
        let mut known = self
            .kustomizations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((known_root, list)) = known.as_ref()
            && known_root == root
        {
            return list.clone();
        }
        let list = Arc::new(find_kustomizations(root, read));
        *known = Some((root.to_path_buf(), list.clone()));
        list
    }

    /// Forgets the kustomizations found (one was added, changed or removed).
    pub fn forget_kustomizations(&self) {
        *self
            .kustomizations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The facts of the file at `path` (normalised), read with `read` the first time.
    pub fn facts(&self, path: &Path, read: &ReadText<'_>, shown: &str) -> Option<Arc<Facts>> {
        if let Some(known) = self.lock().get(path) {
            return known.clone();
        }
        let facts = read(path)
            .and_then(|text| facts_of_text(&text, path, shown))
            .map(Arc::new);
        self.lock().insert(path.to_path_buf(), facts.clone());
        facts
    }

    /// Records what a file says now (an open document's buffer); returns whether that
    /// differs from what was known.
    pub fn set(&self, path: &Path, facts: Option<Arc<Facts>>) -> bool {
        let mut known = self.lock();
        let key = normalise(path);
        let changed = known.get(&key).is_none_or(|old| old != &facts);
        known.insert(key, facts);
        changed
    }

    /// Forgets what a file said (it changed); returns whether it said anything.
    pub fn forget(&self, path: &Path) -> bool {
        self.lock()
            .remove(&normalise(path))
            .is_some_and(|facts| facts.is_some())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<Facts>>>> {
        // The map holds no invariant a panicking reader could break.
        self.by_path
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The project context of one file: its project ([`project_of`]) and the facts of the
/// other members, `None` when it is alone. `shown` names a member in findings.
pub fn context_for(
    file: &Path,
    root: Option<&Path>,
    read: &ReadText<'_>,
    cache: &FactsCache,
    shown: &dyn Fn(&Path) -> String,
) -> Option<ProjectContext> {
    let extended = extended_services(file, root, read, shown);
    let context = match compose_project(file) {
        Some(members) => compose_context(file, &members, read, cache, shown),
        None => kubernetes_context(file, root, read, cache, shown),
    };
    if extended.services.is_empty() {
        return context;
    }
    // The services this file extends from other files join what its project says.
    let mut context = context.unwrap_or_else(|| ProjectContext {
        files: 1,
        ..ProjectContext::default()
    });
    let mut others = (*context.others).clone();
    others.extend(&extended);
    context.others = Arc::new(others);
    context.files += extended
        .services
        .iter()
        .map(|service| service.file.as_str())
        .collect::<HashSet<_>>()
        .len();
    Some(context)
}

/// The project context of a Kubernetes file (or any other than a default-named
/// Compose file): its kustomization's or its folder's other files.
fn kubernetes_context(
    file: &Path,
    root: Option<&Path>,
    read: &ReadText<'_>,
    cache: &FactsCache,
    shown: &dyn Fn(&Path) -> String,
) -> Option<ProjectContext> {
    let list_folder = |folder: &Path| yaml_files_in(folder, MAX_FOLDER_FILES);
    let kustomizations = match root {
        Some(root) => cache.kustomizations(&normalise(root), read),
        None => Arc::new(Vec::new()),
    };
    let project = project_of(file, &kustomizations, &list_folder);
    if project.members.len() < 2 && project.namespaces.is_empty() {
        return None;
    }
    let this = normalise(file);
    let mut others = Facts::default();
    for member in project.members.iter().filter(|member| **member != this) {
        let Some(facts) = cache.facts(member, read, &shown(member)) else {
            continue;
        };
        match project.namespaces.get(member) {
            Some(namespace) => {
                let mut facts = (*facts).clone();
                facts.set_namespace(namespace);
                others.extend(&facts);
            }
            None => others.extend(&facts),
        }
    }
    Some(ProjectContext {
        others: Arc::new(others),
        namespace: project.namespaces.get(&this).cloned(),
        files: project.members.len(),
    })
}

/// The project context of a Compose file: the facts of the other default files of its
/// folder, those merged after it marked so.
fn compose_context(
    file: &Path,
    members: &[PathBuf],
    read: &ReadText<'_>,
    cache: &FactsCache,
    shown: &dyn Fn(&Path) -> String,
) -> Option<ProjectContext> {
    if members.len() < 2 {
        return None;
    }
    let this = normalise(file);
    let position = members.iter().position(|member| *member == this)?;
    let mut others = Facts::default();
    for (at, member) in members.iter().enumerate().filter(|(at, _)| *at != position) {
        let Some(facts) = cache.facts(member, read, &shown(member)) else {
            continue;
        };
        if at > position {
            others.extend(&(*facts).clone().applied_later());
        } else {
            others.extend(&facts);
        }
    }
    Some(ProjectContext {
        others: Arc::new(others),
        namespace: None,
        files: members.len(),
    })
}

/// The services a Compose file's services extend from other files (`extends: {file:
/// common.yml, service: db}`), each named after the service that extends it and marked
/// `extended`. Files outside `root` (the workspace, or the working directory of `ddia
/// check`) are not read; a base that itself extends another file is taken as written.
fn extended_services(
    file: &Path,
    root: Option<&Path>,
    read: &ReadText<'_>,
    shown: &dyn Fn(&Path) -> String,
) -> Facts {
    let mut facts = Facts::default();
    // Most files extend nothing from another file: no second parse for them (this runs
    // whenever an editor analyses the file).
    let Some(text) = read(file).filter(|text| text.contains("extends") && text.contains("file"))
    else {
        return facts;
    };
    let parse = crate::syntax::parse(&text);
    let Some(doc) = parse.stream.first_document() else {
        return facts;
    };
    let Some(services) = doc.root.and_then(|root| doc.get(root, "services")) else {
        return facts;
    };
    let this = normalise(file);
    let folder = this.parent().unwrap_or(Path::new("")).to_path_buf();
    let root = root.map(normalise);
    let mut read_files: HashMap<PathBuf, Option<Facts>> = HashMap::new();
    for entry in doc.entries(services) {
        let Some(local) = doc.key_text(entry.key) else {
            continue;
        };
        let Some(extends) = doc.get(entry.value, "extends") else {
            continue;
        };
        let (Some(other), Some(service)) = (
            doc.get(extends, "file").and_then(|f| doc.str(f)),
            doc.get(extends, "service").and_then(|s| doc.str(s)),
        ) else {
            continue;
        };
        let path = normalise(&folder.join(other));
        let inside = root.as_ref().is_none_or(|root| path.starts_with(root));
        if path == this || !inside {
            continue;
        }
        let other_facts = read_files.entry(path.clone()).or_insert_with(|| {
            read(&path).and_then(|text| compose_facts(&text, &path, &shown(&path)))
        });
        let Some(base) = other_facts
            .as_ref()
            .and_then(|facts| facts.services.iter().find(|s| s.name == service))
        else {
            continue;
        };
        let mut base = base.clone();
        base.name = local.to_owned();
        base.extended = true;
        facts.services.push(base);
    }
    facts
}

/// The facts of a Compose file whatever its name (an `extends.file` target).
fn compose_facts(text: &str, path: &Path, file: &str) -> Option<Facts> {
    if text.len() > crate::analysis::DEFAULT_MAX_FILE_SIZE {
        return None;
    }
    let parse = crate::syntax::parse(text);
    if crate::kind::detect(Some(path), None, &parse.stream) != crate::kind::FileKind::Compose
        || crate::analysis::is_template(text, &parse.stream)
    {
        return None;
    }
    let model = crate::model::from_compose_reusing(
        parse.stream.first_document()?,
        text,
        &|_: &str| None,
        None,
    );
    Some(Facts::of(&model, file))
}

/// The most YAML files of one folder read as one project.
pub const MAX_FOLDER_FILES: usize = 500;

/// The facts of a text as a Kubernetes or Compose file; `None` when it is neither (or
/// not worth reading).
pub fn facts_of_text(text: &str, path: &Path, file: &str) -> Option<Facts> {
    let compose = compose_role(path).is_some();
    if !(compose || text.contains("apiVersion"))
        || text.len() > crate::analysis::DEFAULT_MAX_FILE_SIZE
    {
        return None;
    }
    let parse = crate::syntax::parse(text);
    let kind = crate::kind::detect(Some(path), None, &parse.stream);
    if crate::analysis::is_template(text, &parse.stream) {
        return None;
    }
    let model = match kind {
        crate::kind::FileKind::Kubernetes => crate::model::from_kubernetes(&parse.stream, text),
        crate::kind::FileKind::Compose => crate::model::from_compose_reusing(
            parse.stream.first_document()?,
            text,
            &|_: &str| None,
            None,
        ),
        _ => return None,
    };
    let facts = Facts::of(&model, file);
    (!facts.is_empty()).then_some(facts)
}

/// The names Compose reads by default: a base file, and the override it merges on top.
const COMPOSE_STEMS: [&str; 2] = ["compose", "docker-compose"];

/// Whether a path is a Compose file Compose reads by default: `Some(false)` for a base
/// (`compose.yaml`, `docker-compose.yml`), `Some(true)` for its override
/// (`compose.override.yaml`).
pub fn compose_role(path: &Path) -> Option<bool> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))?;
    if COMPOSE_STEMS.contains(&stem) {
        return Some(false);
    }
    let base = stem.strip_suffix(".override")?;
    COMPOSE_STEMS.contains(&base).then_some(true)
}

/// The Compose project of a default-named file: the base and its override in one
/// folder, base first (the order Compose merges them in).
fn compose_project(file: &Path) -> Option<Vec<PathBuf>> {
    let is_override = compose_role(file)?;
    let target = normalise(file);
    let folder = target.parent()?;
    let name = target.file_name()?.to_str()?;
    let stem = name.split('.').next()?;
    let mut members = Vec::new();
    for ext in ["yaml", "yml"] {
        let base = folder.join(format!("{stem}.{ext}"));
        if base.is_file() || (!is_override && base == target) {
            members.push(base);
        }
    }
    for ext in ["yaml", "yml"] {
        let over = folder.join(format!("{stem}.override.{ext}"));
        if over.is_file() || (is_override && over == target) {
            members.push(over);
        }
    }
    members.dedup();
    Some(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(files: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let files: HashMap<PathBuf, String> = files
            .iter()
            .map(|(path, text)| (normalise(Path::new(path)), (*text).to_owned()))
            .collect();
        move |path: &Path| files.get(&normalise(path)).cloned()
    }

    #[test]
    fn a_kustomization_gathers_files_and_folders_with_its_namespace() {
        let read = reader(&[
            (
                "/p/overlay/kustomization.yaml",
                "namespace: prod\nresources:\n  - ../base\n  - pdb.yaml\n  - https://example.com/x.yaml\n",
            ),
            ("/p/overlay/pdb.yaml", "kind: PodDisruptionBudget\n"),
            (
                "/p/base/kustomization.yaml",
                "namespace: dev\nresources: [sts.yaml, svc.yaml]\n",
            ),
            ("/p/base/sts.yaml", "kind: StatefulSet\n"),
            ("/p/base/svc.yaml", "kind: Service\n"),
        ]);
        let members = kustomization_members(Path::new("/p/overlay/kustomization.yaml"), &read);
        assert_eq!(
            members,
            vec![
                (PathBuf::from("/p/base/sts.yaml"), Some("prod".to_owned())),
                (PathBuf::from("/p/base/svc.yaml"), Some("prod".to_owned())),
                (
                    PathBuf::from("/p/overlay/pdb.yaml"),
                    Some("prod".to_owned())
                ),
            ]
        );
    }

    #[test]
    fn a_cycle_of_kustomizations_ends() {
        let read = reader(&[
            ("/c/a/kustomization.yaml", "resources: [../b, a.yaml]\n"),
            ("/c/b/kustomization.yaml", "resources: [../a, b.yaml]\n"),
        ]);
        let members = kustomization_members(Path::new("/c/a/kustomization.yaml"), &read);
        assert_eq!(
            members,
            vec![
                (PathBuf::from("/c/b/b.yaml"), None),
                (PathBuf::from("/c/a/a.yaml"), None)
            ]
        );
    }
}
