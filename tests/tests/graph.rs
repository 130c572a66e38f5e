//! Snapshot tests of the dependency graph of the fixtures under `fixtures/graph/`, rendered as Mermaid and as Graphviz DOT.

use ddia::graph::{GraphFormat, build};
use ddia_tests::{analyze_file, repo_root};

fn render(name: &str, format: GraphFormat) -> String {
    let path = repo_root().join("tests/fixtures/graph").join(name);
    let (_, analysis) = analyze_file(&path);
    let model = analysis.model.as_ref().expect("fixtures build a model");
    build(model, &analysis.diagnostics).render(format)
}

#[test]
fn spec_graph_as_mermaid() {
    insta::assert_snapshot!(
        "spec_mermaid",
        render("shop.ddia.yaml", GraphFormat::Mermaid)
    );
}

#[test]
fn spec_graph_as_dot() {
    insta::assert_snapshot!("spec_dot", render("shop.ddia.yaml", GraphFormat::Dot));
}

#[test]
fn compose_graph_as_mermaid() {
    insta::assert_snapshot!(
        "compose_mermaid",
        render("compose.yaml", GraphFormat::Mermaid)
    );
}

#[test]
fn compose_graph_as_dot() {
    insta::assert_snapshot!("compose_dot", render("compose.yaml", GraphFormat::Dot));
}
