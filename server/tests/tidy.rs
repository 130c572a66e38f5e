//! Tidy checks: every web address ddia prints or sends comes from `links.rs`, and what ships beside the binary names the same addresses.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ is inside the repository")
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_links_rs_writes_the_repository_address() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("server/src"), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("links.rs"))
        .filter(|path| {
            let text = std::fs::read_to_string(path).expect("a source file");
            // Test data may name any address; what the tool prints may not.
            let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
            code.contains("ddia-lint/ddia") || code.contains("ddia.dev")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these files write the project's address instead of using `crate::links`: {offenders:?}"
    );
}

#[test]
fn the_schemas_are_identified_by_their_published_address() {
    for name in ["system-spec.schema.json", "ddia-toml.schema.json"] {
        let schema: serde_json::Value =
            serde_json::from_str(&read(&format!("grammars/{name}"))).expect("JSON");
        assert_eq!(schema["$id"], ddia::links::schema_url(name), "{name}");
    }
    // The README's modeline example points where the schema is published.
    assert!(read("README.md").contains(&format!(
        "$schema={}",
        ddia::links::schema_url("system-spec.schema.json")
    )));
}

#[test]
fn packages_and_editors_name_the_same_repository() {
    let repository = ddia::links::REPOSITORY;
    let workspace: toml::Table = read("Cargo.toml").parse().expect("TOML");
    assert_eq!(
        workspace["workspace"]["package"]["repository"].as_str(),
        Some(repository)
    );
    let pyproject: toml::Table = read("pyproject.toml").parse().expect("TOML");
    let urls = pyproject["project"]["urls"]
        .as_table()
        .expect("project.urls");
    assert_eq!(urls["Repository"].as_str(), Some(repository));
    assert_eq!(
        urls["Documentation"].as_str(),
        Some(format!("{}README.md", ddia::links::RULE_PAGES).as_str())
    );
    let zed: toml::Table = read("editors/zed/extension.toml").parse().expect("TOML");
    assert_eq!(zed["repository"].as_str(), Some(repository));
    let package: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("JSON");
    assert_eq!(package["repository"]["url"], repository);
    assert_eq!(package["bugs"]["url"], format!("{repository}/issues"));
    assert_eq!(package["homepage"], format!("{repository}#readme"));
    // The extension sends users without a binary to the install guide.
    assert!(
        read("editors/vscode/src/server.ts").contains(&format!(
            "export const INSTALL_GUIDE_URL = '{}';",
            ddia::links::INSTALL_GUIDE
        )),
        "editors/vscode/src/server.ts: INSTALL_GUIDE_URL differs from links::INSTALL_GUIDE"
    );
}

#[test]
fn rule_pages_ship_inside_the_binary() {
    // `ddia explain` prints a rule's page from the binary itself, the same text as the
    // published page it links to: nothing depends on a site being up.
    for rule in ddia::rules::ALL_RULES {
        let page = read(&format!("server/docs/rules/{}.md", rule.code));
        assert_eq!(ddia::rules::docs::rule_page(rule), page, "{}", rule.code);
        assert_eq!(
            rule.url(),
            format!("{}{}.md", ddia::links::RULE_PAGES, rule.code)
        );
    }
}
