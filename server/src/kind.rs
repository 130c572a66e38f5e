//! Tells what a YAML file is: a system spec, a Compose file, Kubernetes manifests, or other.

use crate::syntax::YamlStream;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A system spec (`system-spec.md`).
    Spec,
    /// A Docker Compose file.
    Compose,
    /// Kubernetes manifests.
    Kubernetes,
    /// Any other YAML: ddia reports nothing for it.
    Other,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Spec => "spec",
            FileKind::Compose => "compose",
            FileKind::Kubernetes => "kubernetes",
            FileKind::Other => "other",
        }
    }
}

/// The kind a file name alone decides: `*.ddia.yaml` and `ddia.yaml` are specs.
pub fn kind_from_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let spec_names = ["ddia.yaml", "ddia.yml"];
    if spec_names.contains(&name.as_str())
        || name.ends_with(".ddia.yaml")
        || name.ends_with(".ddia.yml")
    {
        return Some(FileKind::Spec);
    }
    None
}

/// Whether the name is one Compose looks for (`compose.yaml`, `docker-compose.*.yml`).
pub fn is_compose_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    yaml && (name.starts_with("compose.") || name.starts_with("docker-compose"))
}

/// Detects the kind of a parsed file. The name wins for specs; otherwise the first
/// document's shape decides, and a Compose file name or the LSP language id
/// `dockercompose` marks a file with a `services:` map as Compose.
pub fn detect(path: Option<&Path>, language_id: Option<&str>, stream: &YamlStream) -> FileKind {
    if let Some(kind) = path.and_then(kind_from_name) {
        return kind;
    }
    let Some(doc) = stream.first_document() else {
        return FileKind::Other;
    };
    let Some(root) = doc.root else {
        return FileKind::Other;
    };
    if doc.get_entry(root, "ddia").is_some() {
        return FileKind::Spec;
    }
    if let Some(services) = doc.get(root, "services") {
        let has_containers = doc.entries(services).iter().any(|service| {
            doc.get_entry(service.value, "image").is_some()
                || doc.get_entry(service.value, "build").is_some()
        });
        let named_compose =
            path.is_some_and(is_compose_name) || language_id == Some("dockercompose");
        if has_containers || (named_compose && doc.is_mapping(services)) {
            return FileKind::Compose;
        }
    }
    let is_manifest = stream.documents.iter().any(|doc| {
        doc.root.is_some_and(|root| {
            doc.get(root, "apiVersion")
                .and_then(|v| doc.str(v))
                .is_some()
                && doc.get(root, "kind").and_then(|v| doc.str(v)).is_some()
        })
    });
    if is_manifest {
        return FileKind::Kubernetes;
    }
    FileKind::Other
}

/// The kind of a file whose parse lost its shape (recovery gave up on a badly broken
/// text), from its lines alone: a `ddia:` key at the start of a line marks a spec,
/// `services:` with an indented `image:` or `build:` a Compose file, `apiVersion:` and
/// `kind:` Kubernetes manifests. Such a file's syntax errors are then reported
/// instead of the file passing as other YAML.
pub fn detect_from_text(text: &str) -> FileKind {
    let (mut services, mut containers, mut api_version, mut kind) = (false, false, false, false);
    for line in text.lines() {
        if line.starts_with("ddia:") {
            return FileKind::Spec;
        }
        services |= line.starts_with("services:");
        api_version |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        let indented = line.trim_start_matches(' ');
        containers |= indented.len() < line.len()
            && (indented.starts_with("image:") || indented.starts_with("build:"));
    }
    if services && containers {
        FileKind::Compose
    } else if api_version && kind {
        FileKind::Kubernetes
    } else {
        FileKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::{FileKind, detect_from_text};

    #[test]
    fn lines_tell_the_kind_of_a_broken_file() {
        assert_eq!(detect_from_text("x: [\nddia: 1\n"), FileKind::Spec);
        assert_eq!(
            detect_from_text("services:\n  web:\n    image: x\n  - broken\n"),
            FileKind::Compose
        );
        assert_eq!(
            detect_from_text("apiVersion: v1\nkind: Pod\n  - broken\n"),
            FileKind::Kubernetes
        );
        // A `services:` key without containers, or keys that are not at the start of
        // a line, tell nothing.
        assert_eq!(detect_from_text("services:\n  a: 1\n"), FileKind::Other);
        assert_eq!(detect_from_text("x:\n  ddia: 1\n"), FileKind::Other);
        assert_eq!(detect_from_text("on: push\njobs: [\n"), FileKind::Other);
    }
}
