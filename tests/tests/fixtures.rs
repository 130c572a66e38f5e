//! Runs every YAML fixture and compares its findings with the expectation file beside it.

use ddia::diagnostic::apply_edits;
use ddia::rules::ALL_RULES;
use ddia_tests::{ALWAYS_SHOWN, analyze_file, check_fixtures, files_with_suffix, repo_root};

const YAML: &[&str] = &[".yaml", ".yml"];

#[test]
fn rule_fixtures_match_their_expectations() {
    let fixtures = files_with_suffix(&repo_root().join("tests/fixtures/rules"), YAML);
    check_fixtures(&fixtures);
}

#[test]
fn file_kind_fixtures_match_their_expectations() {
    let fixtures = files_with_suffix(&repo_root().join("tests/fixtures/kinds"), YAML);
    let results = check_fixtures(&fixtures);
    // Other YAML gets no findings at all, not even syntax errors.
    for (path, _, analysis) in &results {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("other") || name.starts_with("not-a-spec") {
            assert!(
                analysis.diagnostics.is_empty(),
                "{name} must get no findings"
            );
        }
    }
}

#[test]
fn every_rule_has_fixtures_that_fire_and_clean_ones_stay_quiet() {
    let root = repo_root().join("tests/fixtures/rules");
    for rule in ALL_RULES {
        let dir = root.join(rule.code);
        assert!(
            dir.is_dir(),
            "rule `{}` has no fixture directory {}",
            rule.code,
            dir.display()
        );
        let mut fired = false;
        for fixture in files_with_suffix(&dir, YAML) {
            let (_, analysis) = analyze_file(&fixture);
            let name = fixture.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.contains("clean") {
                let unexpected: Vec<_> = analysis
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == rule.code || ALWAYS_SHOWN.contains(&d.code))
                    .collect();
                assert!(
                    unexpected.is_empty(),
                    "{} must have no `{}` (nor syntax or schema) finding, got {unexpected:?}",
                    fixture.display(),
                    rule.code
                );
            } else {
                fired |= analysis.diagnostics.iter().any(|d| d.code == rule.code);
            }
        }
        assert!(fired, "no fixture of `{}` makes it fire", rule.code);
    }
}

#[test]
fn every_fix_removes_its_finding_and_keeps_valid_yaml() {
    let fixtures = files_with_suffix(&repo_root().join("tests/fixtures/rules"), YAML);
    let mut exercised = 0;
    for fixture in fixtures {
        let (text, analysis) = analyze_file(&fixture);
        let count = |diagnostics: &[ddia::diagnostic::Diagnostic], code: &str| {
            diagnostics.iter().filter(|d| d.code == code).count()
        };
        for diagnostic in &analysis.diagnostics {
            for fix in &diagnostic.fixes {
                exercised += 1;
                let (fixed, applied) = apply_edits(&text, &fix.edits);
                let context = format!("{}: the fix `{}`", fixture.display(), fix.message);
                assert_eq!(applied, fix.edits.len(), "{context} has overlapping edits");
                let after = ddia::analysis::analyze(ddia::analysis::AnalysisInput {
                    text: &fixed,
                    path: Some(&fixture),
                    language_id: None,
                    previous_tree: None,
                    read_file: Some(&ddia::analysis::read_from_disk),
                    max_file_size: None,
                    workspace: None,
                    line_index: None,
                    ..ddia::analysis::AnalysisInput::default()
                });
                assert!(
                    count(&after.diagnostics, diagnostic.code)
                        < count(&analysis.diagnostics, diagnostic.code),
                    "{context} did not remove a `{}` finding:\n{fixed}",
                    diagnostic.code
                );
                for code in [
                    "syntax-error",
                    "duplicate-key",
                    "schema-violation",
                    "unknown-key",
                ] {
                    assert!(
                        count(&after.diagnostics, code) <= count(&analysis.diagnostics, code),
                        "{context} introduced a `{code}` finding:\n{fixed}"
                    );
                }
            }
        }
    }
    assert!(exercised >= 5, "only {exercised} fixes were exercised");
}

#[test]
fn the_clean_example_has_no_findings() {
    let (_, analysis) = analyze_file(&repo_root().join("examples/clean.ddia.yaml"));
    assert_eq!(analysis.diagnostics, Vec::new());
}
