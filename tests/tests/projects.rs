//! Runs the multi-file fixtures (`tests/fixtures/projects/<case>/`): each file is analysed with its project (its kustomization or folder) and compared with the `.expect` beside it.

use ddia_tests::{analyze_in_project, check_fixtures_with, files_with_suffix, repo_root};
use std::path::Path;

#[test]
fn project_fixtures_match_their_expectations() {
    let root = repo_root().join("tests/fixtures/projects");
    let fixtures: Vec<_> = files_with_suffix(&root, &[".yaml", ".yml"])
        .into_iter()
        .filter(|path| !ddia::project::is_kustomization(path))
        .collect();
    check_fixtures_with(&fixtures, |path: &Path| {
        // Each case is a workspace of its own.
        let case = path
            .strip_prefix(&root)
            .ok()
            .and_then(|relative| relative.components().next())
            .map(|first| root.join(first.as_os_str()))
            .expect("fixtures sit in a case folder");
        analyze_in_project(path, &case)
    });
}

#[test]
fn a_cycle_of_kustomizations_is_read_once() {
    let case = repo_root().join("tests/fixtures/projects/kustomize-cycle/a");
    let (_, analysis) = analyze_in_project(&case.join("redis.yaml"), &case);
    assert!(analysis.failures.is_empty());
}
