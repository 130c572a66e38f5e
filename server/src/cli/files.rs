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

/// What reading a file to check gave.
pub enum FileRead {
    /// Its bytes.
    Bytes(Vec<u8>),
    /// It is larger than the limit (this many bytes, or more): it was not read whole.
    TooLarge(usize),
}

/// Where a path that is no ordinary file to check leads, if it does: the kernel's
/// pseudo-files (`/proc/self/environ` through a planted link) and devices.
fn special_place(path: &Path) -> Option<&'static str> {
    let real = std::fs::canonicalize(path).ok()?;
    ["/proc", "/sys", "/dev"]
        .into_iter()
        .find(|special| real.starts_with(special))
}

/// Reads a file to check, reading at most one byte past `limit`: a regular file only
/// (a FIFO or a device would block or never end), never one of the kernel's
/// pseudo-files, whose sizes are not what they hold.
pub fn read_file(path: &Path, limit: usize) -> Result<FileRead, String> {
    use std::io::Read;
    let shown = path.display();
    if let Some(place) = special_place(path) {
        return Err(format!(
            "{shown}: leads to {place}, which holds no files to check"
        ));
    }
    // Asked before opening: opening a FIFO waits for a writer.
    let regular =
        |metadata: std::io::Result<std::fs::Metadata>| -> Result<std::fs::Metadata, String> {
            let metadata = metadata.map_err(|error| format!("{shown}: cannot read: {error}"))?;
            if metadata.is_file() {
                Ok(metadata)
            } else {
                Err(format!("{shown}: not a regular file"))
            }
        };
    regular(std::fs::metadata(path))?;
    let file =
        std::fs::File::open(path).map_err(|error| format!("{shown}: cannot read: {error}"))?;
    // And again of what was opened, in case the path changed in between.
    let metadata = regular(file.metadata())?;
    let size = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    if size > limit {
        return Ok(FileRead::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size);
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(bound)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("{shown}: cannot read: {error}"))?;
    if bytes.len() > limit {
        // It grew while it was read.
        return Ok(FileRead::TooLarge(bytes.len()));
    }
    Ok(FileRead::Bytes(bytes))
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
