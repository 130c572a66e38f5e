//! `ddia review` and `ddia graph`: the design-review checklist and the dependency graph of one file.

use super::files::{FileRead, decode, read_file};
use super::{GraphFormatArg, ReviewFormat, exit};
use crate::analysis::{Analysis, AnalysisInput, analyze};
use crate::kind::FileKind;
use crate::line_index::{ColumnEncoding, LineIndex};
use crate::model::{SourceFormat, SystemModel};
use std::io::Write;
use std::path::Path;

/// A file read, analysed and filtered by its configuration.
struct Analysed {
    name: String,
    text: String,
    analysis: Analysis,
    model: SystemModel,
}

/// Reads and analyses one file with the settings of its `ddia.toml` (and its profile
/// comment). Errors are messages for standard error.
fn analyse(path: &Path) -> Result<Analysed, String> {
    let name = path.display().to_string();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // The same resolution as `ddia check` without command-line settings.
    let resolver = crate::resolve::Resolver::command_line(Default::default(), None);
    resolver
        .config_for(&absolute)
        .map_err(|error| error.to_string())?;
    let limit = resolver.resolve(Some(&absolute), "").max_file_size;
    let bytes = match read_file(path, limit)? {
        FileRead::Bytes(bytes) => bytes,
        FileRead::TooLarge(size) => {
            let note = crate::analysis::too_large_note(
                &format!("this file is {}, above", crate::analysis::human_size(size)),
                limit,
            );
            return Err(format!("{name}: {}", note.message));
        }
    };
    let text = decode(bytes).map_err(|error| format!("{name}: {error}"))?;
    // Files named by the checked one are read only inside the working directory
    // or the file's own directory.
    let working_directory = std::env::current_dir().ok();
    let mut analysis = analyze(AnalysisInput {
        text: &text,
        path: Some(path),
        language_id: None,
        previous_tree: None,
        read_file: Some(&crate::analysis::read_from_disk),
        workspace: working_directory.as_deref(),
        max_file_size: None,
        line_index: None,
        ..AnalysisInput::default()
    });
    let format = match analysis.kind {
        FileKind::Spec => SourceFormat::Spec,
        FileKind::Compose => SourceFormat::Compose,
        FileKind::Kubernetes => SourceFormat::Kubernetes,
        FileKind::Other => {
            return Err(format!(
                "{name}: not a system spec, Compose file or Kubernetes manifest (a spec is named `*.ddia.yaml` or starts with `ddia: 1`)"
            ));
        }
    };
    let settings = resolver.resolve(Some(&absolute), &text).settings;
    settings.apply(&mut analysis.diagnostics);
    // An empty document still has a (empty) design.
    let model = analysis
        .model
        .clone()
        .unwrap_or_else(|| SystemModel::new(format, crate::text::TextRange::empty(0)));
    Ok(Analysed {
        name,
        text,
        analysis,
        model,
    })
}

fn print(text: &str) -> u8 {
    let mut out = anstream::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return exit::FAILURE;
    }
    exit::CLEAN
}

/// `ddia review FILE`: prints the checklist; exits 0 whatever it covers.
pub fn review(path: &Path, format: ReviewFormat) -> u8 {
    let analysed = match analyse(path) {
        Ok(analysed) => analysed,
        Err(error) => {
            eprintln!("error: {}", crate::text::printable(&error));
            return exit::FAILURE;
        }
    };
    let checklist = crate::review::review(&analysed.model);
    let index = LineIndex::new(&analysed.text);
    let text = match format {
        ReviewFormat::Text => crate::review::render_text(&checklist, &index, &analysed.name),
        ReviewFormat::Json => {
            let items: Vec<serde_json::Value> = checklist
                .items
                .iter()
                .map(|item| {
                    let position = item
                        .range
                        .map(|range| index.line_col(range.start, ColumnEncoding::Scalar));
                    serde_json::json!({
                        "id": item.id,
                        "part": item.part.title(),
                        "title": item.title,
                        "status": item.status.as_str(),
                        "line": position.map(|p| p.line + 1),
                        "column": position.map(|p| p.column + 1),
                        "detail": item.detail,
                    })
                })
                .collect();
            let value = serde_json::json!({
                "filename": analysed.name,
                "summary": checklist.summary(),
                "covered": checklist.covered(),
                "partial": checklist.partial(),
                "applicable": checklist.applicable(),
                "note": checklist.note,
                "items": items,
            });
            let mut text =
                serde_json::to_string_pretty(&value).expect("JSON values always serialize");
            text.push('\n');
            text
        }
    };
    print(&text)
}

/// `ddia graph FILE`: prints the dependency graph.
pub fn graph(path: &Path, format: GraphFormatArg) -> u8 {
    let analysed = match analyse(path) {
        Ok(analysed) => analysed,
        Err(error) => {
            eprintln!("error: {}", crate::text::printable(&error));
            return exit::FAILURE;
        }
    };
    let graph = crate::graph::build(&analysed.model, &analysed.analysis.diagnostics);
    let format = match format {
        GraphFormatArg::Mermaid => crate::graph::GraphFormat::Mermaid,
        GraphFormatArg::Dot => crate::graph::GraphFormat::Dot,
    };
    print(&graph.render(format))
}
