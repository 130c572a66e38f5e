//! Finds the files to check and reads them as UTF-8 text.

use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// Whether a path has a YAML extension.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml")
    )
}

/// Expands the command line's paths: files as given, directories walked recursively
/// for `*.yaml`/`*.yml`, honouring `.gitignore`, `.ignore` and hidden-file rules.
/// Returns the files and the paths that do not exist.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            // The system's reason: missing, a loop of symbolic links, no permission.
            let reason = match std::fs::metadata(path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    "no such file or directory".to_owned()
                }
                Err(error) => error.to_string(),
                Ok(_) => "not a file or directory".to_owned(),
            };
            errors.push(format!("{}: {reason}", path.display()));
            continue;
        }
        let walker = WalkBuilder::new(path)
            .standard_filters(true)
            .require_git(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_yaml(entry.path()) {
                        files.push(entry.into_path());
                    }
                }
                Err(error) => errors.push(error.to_string()),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Decodes file contents as UTF-8, dropping a byte-order mark. The error says where
/// the first invalid byte is.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let byte = error.as_bytes().get(offset).copied().unwrap_or(0);
        format!(
            "not valid UTF-8 (byte 0x{byte:02X} at offset {offset}); ddia reads UTF-8 text only"
        )
    })
}
