//! Compiles tree-sitter-yaml 0.7.2's C sources with ddia's fixes to its external scanner.
//!
//! The upstream scanner has two defects that this product cannot live with:
//!
//! 1. rows and columns are 16-bit, so every token on line 32,768 or later gets a
//!    wrapped, negative row and the parse of a long file falls apart;
//! 2. the serialization loop checks `size < BUFFER_SIZE` before writing four more
//!    bytes, so about 254 levels of block nesting write past the 1,024-byte buffer
//!    and a C assertion aborts the whole process.
//!
//! The upstream source is not copied into this repository. Cargo downloads the
//! `tree-sitter-yaml` crate (a normal dependency of this crate); this script finds
//! its `src/` directory, writes a patched copy of `scanner.c` into `OUT_DIR`, and
//! compiles it with the unchanged `parser.c`. The six exported symbols are renamed
//! with `-D` defines so they cannot clash with the unpatched crate. If the text to
//! patch is not found (a different upstream version), the build fails loudly.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const UPSTREAM: &str = "tree-sitter-yaml";
const UPSTREAM_VERSION: &str = "0.7.2";

/// The exported C symbols and the names ddia gives them.
const RENAMES: [(&str, &str); 6] = [
    ("tree_sitter_yaml", "ddia_tree_sitter_yaml"),
    (
        "tree_sitter_yaml_external_scanner_create",
        "ddia_tree_sitter_yaml_external_scanner_create",
    ),
    (
        "tree_sitter_yaml_external_scanner_destroy",
        "ddia_tree_sitter_yaml_external_scanner_destroy",
    ),
    (
        "tree_sitter_yaml_external_scanner_scan",
        "ddia_tree_sitter_yaml_external_scanner_scan",
    ),
    (
        "tree_sitter_yaml_external_scanner_serialize",
        "ddia_tree_sitter_yaml_external_scanner_serialize",
    ),
    (
        "tree_sitter_yaml_external_scanner_deserialize",
        "ddia_tree_sitter_yaml_external_scanner_deserialize",
    ),
];

/// The serialization routines, rewritten: 32-bit rows and columns, `memcpy` instead
/// of unaligned pointer casts, and a loop guard that leaves room for the four bytes
/// each indentation level needs. Levels beyond the buffer are dropped (the parse of
/// such a file is wrong, and ddia reports the nesting depth), never written out of
/// bounds.
const PATCHED_SERIALIZATION: &str = r#"static unsigned serialize(Scanner *scanner, char *buffer) {
    size_t size = 0;
    int32_t header[4] = {scanner->row, scanner->col, scanner->blk_imp_row, scanner->blk_imp_col};
    memcpy(&buffer[size], header, sizeof(header));
    size += sizeof(header);
    memcpy(&buffer[size], &scanner->blk_imp_tab, sizeof(int16_t));
    size += sizeof(int16_t);
    int16_t *typ_itr = scanner->ind_typ_stk.contents + 1;
    int16_t *typ_end = scanner->ind_typ_stk.contents + scanner->ind_typ_stk.size;
    int16_t *len_itr = scanner->ind_len_stk.contents + 1;
    for (; typ_itr != typ_end && size + 2 * sizeof(int16_t) <= TREE_SITTER_SERIALIZATION_BUFFER_SIZE;
         ++typ_itr, ++len_itr) {
        memcpy(&buffer[size], typ_itr, sizeof(int16_t));
        size += sizeof(int16_t);
        memcpy(&buffer[size], len_itr, sizeof(int16_t));
        size += sizeof(int16_t);
    }
    return size;
}

static void deserialize(Scanner *scanner, const char *buffer, unsigned length) {
    scanner->row = 0;
    scanner->col = 0;
    scanner->blk_imp_row = -1;
    scanner->blk_imp_col = -1;
    scanner->blk_imp_tab = 0;
    array_delete(&scanner->ind_typ_stk);
    array_push(&scanner->ind_typ_stk, IND_ROT);
    array_delete(&scanner->ind_len_stk);
    array_push(&scanner->ind_len_stk, -1);
    size_t header_size = 4 * sizeof(int32_t) + sizeof(int16_t);
    if (length >= header_size) {
        size_t size = 0;
        int32_t header[4];
        memcpy(header, &buffer[size], sizeof(header));
        size += sizeof(header);
        scanner->row = header[0];
        scanner->col = header[1];
        scanner->blk_imp_row = header[2];
        scanner->blk_imp_col = header[3];
        memcpy(&scanner->blk_imp_tab, &buffer[size], sizeof(int16_t));
        size += sizeof(int16_t);
        while (size + 2 * sizeof(int16_t) <= length) {
            int16_t typ;
            int16_t len;
            memcpy(&typ, &buffer[size], sizeof(int16_t));
            size += sizeof(int16_t);
            memcpy(&len, &buffer[size], sizeof(int16_t));
            size += sizeof(int16_t);
            array_push(&scanner->ind_typ_stk, typ);
            array_push(&scanner->ind_len_stk, len);
        }
    }
}

"#;

fn main() {
    let upstream_src = find_upstream_src();
    println!("cargo:rerun-if-changed=build.rs");
    println!(
        "cargo:rerun-if-changed={}",
        upstream_src.join("scanner.c").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        upstream_src.join("parser.c").display()
    );

    let scanner = fs::read_to_string(upstream_src.join("scanner.c"))
        .unwrap_or_else(|err| panic!("cannot read {UPSTREAM} scanner.c: {err}"));
    let patched = patch_scanner(&scanner);

    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    let patched_path = out_dir.join("scanner.c");
    fs::write(&patched_path, patched).expect("OUT_DIR is writable");

    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(&upstream_src)
        .file(upstream_src.join("parser.c"))
        .file(&patched_path)
        .warnings(false)
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-unused-value")
        .flag_if_supported("-Wno-implicit-fallthrough");
    for (from, to) in RENAMES {
        build.define(from, to);
    }
    build.compile("ddia-tree-sitter-yaml");
}

/// Applies ddia's fixes; panics (failing the build) when upstream text is not found.
fn patch_scanner(source: &str) -> String {
    let mut text = source.to_owned();

    // The string functions are needed by the rewritten serialization.
    replace_once(
        &mut text,
        "#include \"tree_sitter/array.h\"\n",
        "#include \"tree_sitter/array.h\"\n#include <string.h>\n",
    );

    // 32-bit rows and columns in the scanner state and its temporaries.
    for field in [
        "row",
        "col",
        "blk_imp_row",
        "blk_imp_col",
        "end_row",
        "end_col",
        "cur_row",
        "cur_col",
    ] {
        replace_once(
            &mut text,
            &format!("    int16_t {field};\n"),
            &format!("    int32_t {field};\n"),
        );
    }
    replace_once(
        &mut text,
        "int16_t bgn_row = scanner->cur_row;",
        "int32_t bgn_row = scanner->cur_row;",
    );
    replace_once(
        &mut text,
        "int16_t bgn_col = scanner->cur_col;",
        "int32_t bgn_col = scanner->cur_col;",
    );

    // The serialization routines: replace everything from `serialize` up to the
    // first helper that follows `deserialize`.
    let start = text
        .find("static unsigned serialize(Scanner *scanner, char *buffer) {")
        .unwrap_or_else(|| patch_failure("the serialize function"));
    let end = text[start..]
        .find("static inline void adv(Scanner *scanner, TSLexer *lexer) {")
        .map(|offset| start + offset)
        .unwrap_or_else(|| patch_failure("the function after deserialize"));
    let original = &text[start..end];
    if !original.contains("size < TREE_SITTER_SERIALIZATION_BUFFER_SIZE") {
        patch_failure("the serialization loop guard");
    }
    text.replace_range(start..end, PATCHED_SERIALIZATION);
    text
}

fn replace_once(text: &mut String, from: &str, to: &str) {
    let count = text.matches(from).count();
    if count != 1 {
        panic!(
            "ddia-yaml-grammar: expected exactly one `{}` in {UPSTREAM} {UPSTREAM_VERSION} scanner.c, found {count}; \
             the upstream source changed and the patch in build.rs must be revisited",
            from.trim()
        );
    }
    *text = text.replacen(from, to, 1);
}

fn patch_failure(what: &str) -> ! {
    panic!(
        "ddia-yaml-grammar: cannot find {what} in {UPSTREAM} {UPSTREAM_VERSION} scanner.c; \
         the upstream source changed and the patch in build.rs must be revisited"
    )
}

/// Finds the `src/` directory of the downloaded upstream crate.
///
/// `cargo metadata --offline` names the manifest of every package in the graph; the
/// upstream crate is a dependency of this one, so cargo has downloaded it before this
/// script runs. A scan of `$CARGO_HOME/registry/src` is the fallback.
fn find_upstream_src() -> PathBuf {
    if let Some(dir) = src_from_metadata() {
        return dir;
    }
    if let Some(dir) = src_from_registry() {
        return dir;
    }
    panic!(
        "ddia-yaml-grammar: cannot find the sources of {UPSTREAM} {UPSTREAM_VERSION}; run `cargo fetch` first"
    )
}

fn src_from_metadata() -> Option<PathBuf> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").ok()?;
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(Path::new(&manifest_dir).join("Cargo.toml"))
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    let packages = metadata.get("packages")?.as_array()?;
    packages.iter().find_map(|package| {
        let name = package.get("name")?.as_str()?;
        let version = package.get("version")?.as_str()?;
        if name != UPSTREAM || version != UPSTREAM_VERSION {
            return None;
        }
        let manifest = PathBuf::from(package.get("manifest_path")?.as_str()?);
        let src = manifest.parent()?.join("src");
        src.join("scanner.c").is_file().then_some(src)
    })
}

fn src_from_registry() -> Option<PathBuf> {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    let registries = fs::read_dir(cargo_home.join("registry").join("src")).ok()?;
    registries.flatten().find_map(|registry| {
        let src = registry
            .path()
            .join(format!("{UPSTREAM}-{UPSTREAM_VERSION}"))
            .join("src");
        src.join("scanner.c").is_file().then_some(src)
    })
}
