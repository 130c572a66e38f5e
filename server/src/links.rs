//! Every web address ddia prints or sends, derived from the repository's one name.
//!
//! Rule pages, the JSON Schemas' `$id`, the install guide and SARIF's `informationUri`
//! all start from [`REPOSITORY`]; a tidy test (`server/tests/tidy.rs`) checks that no
//! other source file writes the address, and that the schemas, the editor packages
//! and the Python package name the same one. The pages themselves also ship inside
//! the binary (`ddia explain CODE`), so nothing depends on a site being up.

/// `owner/name` of the repository on GitHub.
macro_rules! slug {
    () => {
        "ddia-lint/ddia"
    };
}

/// The repository's home page.
pub const REPOSITORY: &str = concat!("https://github.com/", slug!());

/// Where the rule pages are published: a rule's page is `{RULE_PAGES}{code}.md`.
pub const RULE_PAGES: &str = concat!(
    "https://github.com/",
    slug!(),
    "/blob/main/server/docs/rules/"
);

/// The install section of the README, where editors send users who have no binary.
pub const INSTALL_GUIDE: &str = concat!("https://github.com/", slug!(), "#install");

/// Where the JSON Schemas of `grammars/` are served raw (their `$id`, and what a
/// `# yaml-language-server: $schema=` comment points at).
pub const SCHEMAS: &str = concat!(
    "https://raw.githubusercontent.com/",
    slug!(),
    "/main/grammars/"
);

/// The `$id` of a schema file of `grammars/` (`system-spec.schema.json`).
pub fn schema_url(file_name: &str) -> String {
    format!("{SCHEMAS}{file_name}")
}
