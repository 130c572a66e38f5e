//! The rule pages in `server/docs/rules/` are generated from the rules' declarations:
//! this test fails when they are stale (`UPDATE_DOCS=1 cargo test` rewrites them).

use ddia::rules::ALL_RULES;
use ddia::rules::docs::{SECTIONS, rule_page, rules_index};
use std::path::Path;

#[test]
fn every_rule_documents_the_fixed_sections_in_order() {
    for rule in ALL_RULES {
        let docs = rule.docs();
        let mut last = 0;
        for section in SECTIONS {
            let at = docs[last..]
                .find(&format!("{section}\n"))
                .unwrap_or_else(|| {
                    panic!("`{}` lacks `{section}` (or has it out of order)", rule.code)
                });
            last += at + section.len();
        }
        assert!(
            rule.summary.len() < 110,
            "`{}`: keep the summary to one line",
            rule.code
        );
        assert!(
            !rule.summary.ends_with('.'),
            "`{}`: the summary has no final period",
            rule.code
        );
    }
}

#[test]
fn codes_are_unique_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for rule in ALL_RULES {
        assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
        assert!(
            rule.code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.code
        );
    }
}

#[test]
fn generated_rule_pages_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut expected: Vec<(String, String)> = ALL_RULES
        .iter()
        .map(|rule| (format!("{}.md", rule.code), rule_page(rule)))
        .collect();
    expected.push(("README.md".to_owned(), rules_index()));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).expect("docs dir is writable");
        for entry in std::fs::read_dir(&dir).expect("docs dir is readable") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::remove_file(path).expect("stale page is removable");
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).expect("page is writable");
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        let actual = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if &actual != text {
            stale.push(name.clone());
        }
    }
    let pages = std::fs::read_dir(&dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert!(
        stale.is_empty(),
        "stale rule pages: {stale:?}; run `UPDATE_DOCS=1 cargo test -p ddia --test docs`"
    );
    assert_eq!(
        pages,
        expected.len(),
        "server/docs/rules has pages of rules that no longer exist"
    );
}

#[test]
fn generated_systems_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/systems.md");
    let expected = ddia::model::catalog::recognition_page();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("the systems page is writable");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "server/docs/systems.md is stale; run `UPDATE_DOCS=1 cargo test -p ddia --test docs`"
    );
}
