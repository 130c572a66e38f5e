//! Fuzz target: arbitrary bytes analysed as a system spec, a Compose file and Kubernetes
//! manifests, then annotated, reviewed and drawn. Nothing may panic, hang or grow
//! without bound.

#![no_main]

use ddia::analysis::{AnalysisInput, analyze};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is refused before analysis, as the CLI does.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz.ddia.yaml", "compose.yaml", "manifest.yaml"] {
        let analysis = analyze(AnalysisInput {
            text,
            path: Some(Path::new(name)),
            language_id: None,
            ..Default::default()
        });
        // Every finding's range lies within the text and on character boundaries.
        for diagnostic in &analysis.diagnostics {
            assert!(diagnostic.range.end <= text.len());
            assert!(text.is_char_boundary(diagnostic.range.start));
            assert!(text.is_char_boundary(diagnostic.range.end));
        }
        // The arithmetic, the checklist and the graph never panic either.
        if let Some(model) = &analysis.model {
            for hint in ddia::annotations::hints(model, text) {
                assert!(text.is_char_boundary(hint.offset));
            }
            let _ = ddia::annotations::hovers(model);
            let _ = ddia::review::review(model);
            let graph = ddia::graph::build(model, &analysis.diagnostics);
            let _ = (graph.to_mermaid(), graph.to_dot());
        }
    }
});
