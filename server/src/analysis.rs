//! Analyses one file: parse, detect its kind, build the model, run the rules.

use crate::diagnostic::Diagnostic;
use crate::kind::{FileKind, detect};
use crate::model::{SystemModel, from_spec};
use crate::rules::{
    DUPLICATE_KEY, RESOURCE_LIMIT, RuleFailure, SCHEMA_VIOLATION, SYNTAX_ERROR, run_rules,
};
use crate::syntax::{Parse, ProblemKind, parse};
use std::path::Path;

/// What to analyse: the text and what is known about where it comes from.
#[derive(Clone, Copy, Debug, Default)]
pub struct AnalysisInput<'a> {
    pub text: &'a str,
    /// The file's path, used to recognise specs by name (`*.ddia.yaml`).
    pub path: Option<&'a Path>,
    /// The editor's language id (`yaml`, `dockercompose`), if any.
    pub language_id: Option<&'a str>,
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
}

/// Analyses a file. Never panics into the caller: a failing rule is skipped and
/// listed in [`Analysis::failures`].
pub fn analyze(input: AnalysisInput<'_>) -> Analysis {
    let parse = parse(input.text);
    let kind = detect(input.path, input.language_id, &parse.stream);
    let mut analysis = Analysis {
        kind,
        model: None,
        diagnostics: Vec::new(),
        failures: Vec::new(),
        parse,
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
    if kind == FileKind::Spec {
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analysis
                .parse
                .stream
                .first_document()
                .map(|doc| from_spec(doc, input.text))
        }));
        match built {
            Ok(model) => analysis.model = model,
            Err(_) => analysis.failures.push(RuleFailure {
                code: "model",
                message: "building the system model failed".to_owned(),
            }),
        }
    }
    if let Some(model) = &analysis.model {
        for problem in &model.problems {
            analysis
                .diagnostics
                .push(SCHEMA_VIOLATION.diagnostic(problem.range, problem.message.clone()));
        }
        let (found, failures) = run_rules(model, input.text);
        analysis.diagnostics.extend(found);
        analysis.failures.extend(failures);
    }
    analysis.diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    analysis
}
