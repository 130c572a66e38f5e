//! Runs the `ddia` binary as a process: exit codes, the JSON contract, human output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ddia() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ddia"));
    command.env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    command
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ sits in the repository root")
        .to_path_buf()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    ddia()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the ddia binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("output is UTF-8")
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddia-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp directory is writable");
    dir
}

/// The finding with `code` in a JSON report.
fn find<'v>(report: &'v serde_json::Value, code: &str) -> &'v serde_json::Value {
    report
        .as_array()
        .expect("the report is an array")
        .iter()
        .find(|finding| finding["code"] == code)
        .unwrap_or_else(|| panic!("no `{code}` finding in {report}"))
}

/// The distinct file names of a JSON report, in order.
fn filenames(report: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = report
        .as_array()
        .expect("the report is an array")
        .iter()
        .filter_map(|finding| finding["filename"].as_str().map(str::to_owned))
        .collect();
    names.dedup();
    names
}

const QUORUM_SPEC: &str = "\
ddia: 1
datastores:
  carts:
    replication:
      mode: leaderless
      replicas: 3
      write_quorum: 1
      read_quorum: 1
";

#[test]
fn human_output_of_the_examples() {
    let output = run_in(&repo_root(), &["check", "examples/"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    insta::assert_snapshot!("examples_full", text);
}

#[test]
fn clean_files_exit_zero() {
    let output = run_in(&repo_root(), &["check", "examples/clean.ddia.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "All checks passed: 1 file found nothing to report.\n"
    );
}

#[test]
fn json_output_is_one_array_with_the_documented_fields() {
    let output = run_in(
        &repo_root(),
        &["check", "--output-format", "json", "examples/"],
    );
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("stdout is exactly one JSON document");
    let findings = value.as_array().expect("the document is an array");
    assert!(!findings.is_empty());
    for finding in findings {
        let object = finding.as_object().expect("each finding is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code",
                "end_location",
                "filename",
                "fix",
                "location",
                "message",
                "severity",
                "url"
            ]
        );
        assert!(
            ["error", "warning", "info"]
                .contains(&finding["severity"].as_str().expect("severity is a string"))
        );
        assert!(finding["location"]["row"].as_u64().expect("row") >= 1);
        assert!(finding["location"]["column"].as_u64().expect("column") >= 1);
    }
    let quorum = findings
        .iter()
        .find(|f| f["code"] == "non-overlapping-quorums")
        .expect("the checkout example has non-overlapping quorums");
    assert_eq!(quorum["filename"], "examples/checkout.ddia.yaml");
    assert_eq!(
        quorum["url"],
        "https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/non-overlapping-quorums.md"
    );
    let fix = &quorum["fix"];
    assert_eq!(fix["applicability"], "unsafe");
    assert_eq!(fix["edits"].as_array().expect("edits").len(), 1);
    assert_eq!(
        fix["message"],
        "Raise `read_quorum` to 3 (N - W + 1), so that W + R = 4 > N = 3"
    );
}

#[test]
fn json_columns_count_unicode_scalars() {
    let dir = scratch("unicode");
    let spec = "ddia: 1\ndatastores:\n  \"kärt😀\": {replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}}\n";
    std::fs::write(dir.join("u.ddia.yaml"), spec).expect("write");
    let output = run_in(&dir, &["check", "--output-format", "json", "u.ddia.yaml"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let finding = find(&value, "non-overlapping-quorums");
    // `read_quorum: 1` ends the line; count its column in characters, not bytes.
    let line = spec.lines().nth(2).expect("line 3");
    let byte = line.rfind("1}").expect("the read quorum value");
    let column = line[..byte].chars().count() + 1;
    assert_eq!(
        finding["location"],
        serde_json::json!({"row": 3, "column": column})
    );
    assert_eq!(
        finding["end_location"],
        serde_json::json!({"row": 3, "column": column + 1})
    );
}

#[test]
fn stdin_uses_the_given_file_name() {
    let mut child = ddia()
        .args([
            "check",
            "--output-format",
            "json",
            "--stdin-filename",
            "cart.ddia.yaml",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ddia starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(QUORUM_SPEC.replace("ddia: 1\n", "").as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("ddia finishes");
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let finding = find(&value, "non-overlapping-quorums");
    assert_eq!(finding["filename"], "cart.ddia.yaml");
    assert_eq!(
        finding["location"],
        serde_json::json!({"row": 7, "column": 20})
    );
}

#[test]
fn unreadable_files_are_reported_and_the_rest_still_checked() {
    let dir = scratch("utf8");
    std::fs::write(dir.join("bad.ddia.yaml"), b"ddia: 1\nsystem: caf\xE9\n").expect("write");
    std::fs::write(dir.join("good.ddia.yaml"), QUORUM_SPEC).expect("write");
    let output = run_in(&dir, &["check", "--output-format", "json", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.ddia.yaml: not valid UTF-8 (byte 0xE9 at offset 19)"),
        "{}",
        stderr(&output)
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(filenames(&value), ["good.ddia.yaml"]);
}

#[test]
fn directories_honour_gitignore_and_only_read_yaml() {
    let dir = scratch("walk");
    std::fs::create_dir_all(dir.join("generated")).expect("mkdir");
    std::fs::write(dir.join(".gitignore"), "generated/\n").expect("write");
    std::fs::write(dir.join("generated/x.ddia.yaml"), QUORUM_SPEC).expect("write");
    std::fs::write(dir.join("notes.txt"), QUORUM_SPEC).expect("write");
    std::fs::write(dir.join("kept.ddia.yml"), QUORUM_SPEC).expect("write");
    let output = run_in(&dir, &["check", "--output-format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(filenames(&value), ["kept.ddia.yml"]);
}

#[test]
fn usage_errors_exit_two() {
    let output = run_in(&repo_root(), &["check", "does/not/exist.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("does/not/exist.yaml: no such file or directory"));
    let output = run_in(&repo_root(), &["check", "--output-format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = run_in(&repo_root(), &["explain", "no-such-rule"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn info_findings_alone_exit_zero_and_other_yaml_is_ignored() {
    let dir = scratch("other");
    std::fs::write(dir.join("values.yaml"), "key: [unclosed\n").expect("write");
    let output = run_in(&dir, &["check", "."]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn explain_prints_the_rule_page() {
    let output = run_in(&repo_root(), &["explain", "non-overlapping-quorums"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("# non-overlapping-quorums\n"));
    for heading in [
        "## What it does",
        "## Why is this bad",
        "## Example",
        "## Use instead",
        "## References",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
}

#[test]
fn rules_lists_every_rule_as_json() {
    let output = run_in(&repo_root(), &["rules", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let codes: Vec<&str> = value
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    for code in [
        "syntax-error",
        "multi-leader-without-conflict-resolution",
        "non-overlapping-quorums",
        "quorum-out-of-range",
        "unspecified-quorum",
    ] {
        assert!(codes.contains(&code), "{code} is missing");
    }
}

#[test]
fn files_above_the_size_limit_get_one_note_and_no_analysis() {
    let dir = scratch("huge");
    let line = format!("x-pad: {}\n", "a".repeat(1000));
    let text = format!("ddia: 1\n{}", line.repeat(21_000));
    std::fs::write(dir.join("huge.ddia.yaml"), text).expect("write");
    let output = run_in(
        &dir,
        &["check", "--output-format", "json", "huge.ddia.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "an info note alone passes");
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let findings = value.as_array().expect("array");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "resource-limit");
    assert_eq!(findings[0]["severity"], "info");
    assert!(findings[0]["message"].as_str().is_some_and(|m| m
        == "this file is 20.2 MB, above the 20.0 MB limit (`max-file-size`): it was not checked"));
}

#[test]
fn the_size_limit_is_configurable_on_the_command_line_and_in_ddia_toml() {
    let dir = scratch("size-limit");
    let text = format!(
        "ddia: 1
# {}
",
        "x".repeat(3000)
    );
    std::fs::write(dir.join("shop.ddia.yaml"), &text).expect("write");
    std::fs::write(
        dir.join("small.ddia.yaml"),
        "ddia: 1
",
    )
    .expect("write");
    let note = |output: &Output| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON");
        value
            .as_array()
            .expect("array")
            .iter()
            .filter(|f| f["code"] == "resource-limit")
            .map(|f| {
                format!(
                    "{}: {}",
                    f["filename"].as_str().unwrap_or("?"),
                    f["message"].as_str().unwrap_or("?")
                )
            })
            .collect()
    };
    let flag = run_in(
        &dir,
        &[
            "check",
            "--output-format",
            "json",
            "--max-file-size",
            "2KB",
            ".",
        ],
    );
    assert_eq!(
        note(&flag),
        [
            "shop.ddia.yaml: this file is 2.9 KB, above the 2.0 KB limit (`max-file-size`): it was not checked"
        ]
    );
    std::fs::write(
        dir.join("ddia.toml"),
        "max-file-size = 1000
",
    )
    .expect("write");
    let configured = run_in(&dir, &["check", "--output-format", "json", "."]);
    assert_eq!(
        note(&configured),
        [
            "shop.ddia.yaml: this file is 2.9 KB, above the 1000 bytes limit (`max-file-size`): it was not checked"
        ]
    );
    // The flag wins over the file.
    let overridden = run_in(
        &dir,
        &[
            "check",
            "--output-format",
            "json",
            "--max-file-size",
            "1MB",
            ".",
        ],
    );
    assert!(note(&overridden).is_empty());
    let bad = run_in(&dir, &["check", "--max-file-size", "20 parsecs", "."]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown size unit `parsecs`"),
        "{}",
        stderr(&bad)
    );
    std::fs::write(dir.join("ddia.toml"), "max-file-size = \"lots\"\n").expect("write");
    let broken = run_in(&dir, &["check", "."]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("ddia.toml:1:17: `lots` is not a size"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn machine_formats_of_the_examples() {
    for format in ["concise", "github", "junit", "gitlab", "json-lines"] {
        let output = run_in(
            &repo_root(),
            &[
                "check",
                "--output-format",
                format,
                "examples/checkout.ddia.yaml",
            ],
        );
        assert_eq!(output.status.code(), Some(1), "{format}");
        insta::assert_snapshot!(format!("format_{format}"), stdout(&output));
    }
}

#[test]
fn sarif_lists_every_rule_and_exact_regions() {
    let output = run_in(
        &repo_root(),
        &[
            "check",
            "--output-format",
            "sarif",
            "examples/checkout.ddia.yaml",
        ],
    );
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let listed = run_in(&repo_root(), &["rules", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&stdout(&listed)).expect("JSON");
    assert_eq!(rules.len(), all.as_array().map(Vec::len).unwrap_or(0));
    for rule in rules {
        assert!(rule["id"].is_string() && rule["shortDescription"]["text"].is_string());
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## What it does"))
        );
        assert!(
            rule["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );
    }
    let quorum = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "non-overlapping-quorums")
        .expect("the quorum finding");
    assert_eq!(quorum["level"], "warning");
    assert_eq!(
        quorum["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 82, "startColumn": 20, "endLine": 82, "endColumn": 21})
    );
    let index = quorum["ruleIndex"].as_u64().expect("rule index") as usize;
    assert_eq!(rules[index]["id"], "non-overlapping-quorums");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn fail_on_statistics_quiet_and_output_file() {
    let root = repo_root();
    // The example has errors, warnings and info findings.
    let status = |args: &[&str]| run_in(&root, args).status.code();
    assert_eq!(
        status(&["check", "--fail-on", "never", "examples/"]),
        Some(0)
    );
    assert_eq!(
        status(&["check", "--fail-on", "error", "examples/"]),
        Some(1)
    );
    let statistics = stdout(&run_in(&root, &["check", "--statistics", "examples/"]));
    assert!(
        statistics
            .lines()
            .any(|l| l.split_whitespace().take(3).collect::<Vec<_>>()
                == ["1", "non-overlapping-quorums", "warning"]),
        "{statistics}"
    );
    let quiet = stdout(&run_in(&root, &["check", "-q", "examples/clean.ddia.yaml"]));
    assert_eq!(quiet, "");
    let dir = scratch("report");
    let report = dir.join("report.json");
    let output = run_in(
        &root,
        &[
            "check",
            "--output-format",
            "json",
            "-o",
            report.to_str().expect("UTF-8 path"),
            "examples/",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("the report is written"))
            .expect("JSON");
    assert_eq!(written.as_array().map(Vec::len), Some(9));
}

#[test]
fn the_nearest_ddia_toml_configures_the_check() {
    let dir = scratch("config");
    std::fs::create_dir_all(dir.join("specs/generated")).expect("mkdir");
    std::fs::write(
        dir.join("ddia.toml"),
        "ignore = [\"missing-backup\"]\nextend-exclude = [\"generated\"]\n\n[severity]\nnon-overlapping-quorums = \"error\"\n\n[per-file-ignores]\n\"specs/legacy.ddia.yaml\" = [\"non-overlapping-quorums\"]\n",
    )
    .expect("write");
    std::fs::write(dir.join("specs/shop.ddia.yaml"), QUORUM_SPEC).expect("write");
    std::fs::write(dir.join("specs/legacy.ddia.yaml"), QUORUM_SPEC).expect("write");
    std::fs::write(dir.join("specs/generated/x.ddia.yaml"), QUORUM_SPEC).expect("write");
    let output = run_in(
        &dir.join("specs"),
        &["check", "--output-format", "concise", "."],
    );
    let text = stdout(&output);
    assert!(!text.contains("missing-backup"), "{text}");
    assert!(!text.contains("generated/"), "{text}");
    assert!(
        !text.contains("legacy.ddia.yaml:8"),
        "per-file ignore: {text}"
    );
    assert!(
        text.contains("shop.ddia.yaml:8:20: error[non-overlapping-quorums]"),
        "{text}"
    );
    // `--isolated` ignores the file.
    let isolated = stdout(&run_in(
        &dir.join("specs"),
        &["check", "--isolated", "--output-format", "concise", "."],
    ));
    assert!(isolated.contains("missing-backup"), "{isolated}");
}

#[test]
fn a_broken_ddia_toml_is_an_error_with_file_line_and_key() {
    let dir = scratch("bad-config");
    std::fs::write(
        dir.join("ddia.toml"),
        "select = [\"replication\"]\nignroe = [\"x\"]\n",
    )
    .expect("write");
    std::fs::write(dir.join("shop.ddia.yaml"), QUORUM_SPEC).expect("write");
    let output = run_in(&dir, &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("ddia.toml:2:1: unknown field `ignroe`"),
        "{message}"
    );
    let output = run_in(&dir, &["check", "--config", "missing.toml", "."]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_file_can_opt_into_the_development_profile() {
    let dir = scratch("profile");
    let compose = "# ddia: profile=development\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n";
    std::fs::write(dir.join("compose.yaml"), compose).expect("write");
    let output = run_in(
        &dir,
        &["check", "--output-format", "concise", "compose.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    std::fs::write(
        dir.join("compose.yaml"),
        &compose[compose.find('\n').expect("line") + 1..],
    )
    .expect("write");
    let output = run_in(
        &dir,
        &["check", "--output-format", "concise", "compose.yaml"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("exposed-datastore-port"));
}

const FIXABLE_SPEC: &str = "\
ddia: 1   # a comment the fix must keep
services:
  api:
    replicas: 2
    depends_on:
      orders: {timeout: 1s, circuit_breaker: true, retries: {max: 3, backoff: exponential}}
datastores:
  orders:
    replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}
";

#[test]
fn fix_applies_safe_fixes_only_and_converges() {
    let dir = scratch("fix");
    let file = dir.join("shop.ddia.yaml");
    std::fs::write(&file, FIXABLE_SPEC).expect("write");
    let output = run_in(
        &dir,
        &[
            "check",
            "--fix",
            "--output-format",
            "concise",
            "shop.ddia.yaml",
        ],
    );
    assert!(
        !stdout(&output).contains("retry-without-jitter"),
        "{}",
        stdout(&output)
    );
    let fixed = std::fs::read_to_string(&file).expect("read");
    // The safe fix (jitter) is applied; the unsafe one (quorums) is not; every other
    // byte is unchanged.
    assert_eq!(
        fixed,
        FIXABLE_SPEC.replace(
            "backoff: exponential}",
            "backoff: exponential, jitter: true}"
        )
    );
    // A second run changes nothing.
    run_in(&dir, &["check", "--fix", "shop.ddia.yaml"]);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), fixed);
    // Unsafe fixes too.
    run_in(&dir, &["check", "--unsafe-fixes", "shop.ddia.yaml"]);
    let unsafe_fixed = std::fs::read_to_string(&file).expect("read");
    assert!(
        // R rises to 3, then the all-replica-quorum fix settles on majorities.
        unsafe_fixed.contains("write_quorum: 2, read_quorum: 2}"),
        "{unsafe_fixed}"
    );
    assert!(unsafe_fixed.starts_with("ddia: 1   # a comment the fix must keep\n"));
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = scratch("diff");
    let file = dir.join("shop.ddia.yaml");
    std::fs::write(&file, FIXABLE_SPEC).expect("write");
    let output = run_in(&dir, &["check", "--diff", "shop.ddia.yaml"]);
    let text = stdout(&output);
    assert!(
        text.contains("--- a/shop.ddia.yaml\n+++ b/shop.ddia.yaml\n"),
        "{text}"
    );
    assert!(text.contains("+      orders: {timeout: 1s, circuit_breaker: true, retries: {max: 3, backoff: exponential, jitter: true}}"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), FIXABLE_SPEC);
}

#[test]
fn add_ignore_writes_a_baseline_that_checks_clean() {
    let dir = scratch("baseline");
    let file = dir.join("shop.ddia.yaml");
    std::fs::write(&file, FIXABLE_SPEC).expect("write");
    let output = run_in(&dir, &["check", "--add-ignore", "shop.ddia.yaml"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let baseline = std::fs::read_to_string(&file).expect("read");
    assert!(
        baseline.contains("# a comment the fix must keep"),
        "existing comments are kept: {baseline}"
    );
    assert!(
        baseline.contains("# ddia: ignore[non-overlapping-quorums"),
        "{baseline}"
    );
    let output = run_in(
        &dir,
        &["check", "--output-format", "concise", "shop.ddia.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

/// A Compose file with a planted secret, once as a value and once inside a URL, next
/// to a finding with a fix so that diffs show the secret's line as context.
const SECRET: &str = "Zq8-unique-SECRET-7731";

#[test]
fn a_planted_secret_appears_in_no_output_of_any_kind() {
    let dir = scratch("secret");
    let compose = format!(
        "services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD: \"{SECRET}\"\n      DATABASE_URL: postgres://app:{SECRET}@db/app\n    ports:\n      - \"5432:5432\"\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data:\n"
    );
    std::fs::write(dir.join("compose.yaml"), &compose).expect("write");
    let mut runs: Vec<Vec<&str>> = [
        "full",
        "json",
        "concise",
        "json-lines",
        "sarif",
        "github",
        "junit",
        "gitlab",
    ]
    .iter()
    .map(|format| vec!["check", "--output-format", format, "compose.yaml"])
    .collect();
    runs.push(vec!["check", "--statistics", "compose.yaml"]);
    runs.push(vec!["check", "--unsafe-fixes", "--diff", "compose.yaml"]);
    for args in runs {
        let output = run_in(&dir, &args);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(
            !all.contains(SECRET),
            "`ddia {}` leaked the secret:\n{all}",
            args.join(" ")
        );
        if args.contains(&"json") {
            let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
            let secrets = report
                .as_array()
                .expect("an array")
                .iter()
                .filter(|finding| finding["code"] == "plaintext-secret")
                .count();
            assert_eq!(secrets, 2, "both secrets are found: {report}");
        }
        if args.contains(&"full") {
            assert!(
                all.contains("POSTGRES_PASSWORD: ************************"),
                "{all}"
            );
        }
        if args.contains(&"--diff") {
            assert!(all.contains("+      - \"127.0.0.1:5432:5432\""), "{all}");
        }
    }
    // The diff did not write the file.
    assert_eq!(
        std::fs::read_to_string(dir.join("compose.yaml")).expect("read"),
        compose
    );
}

#[test]
fn crafted_file_names_are_escaped_in_every_machine_format() {
    let dir = scratch("escaping");
    let name = "q\"uote\n::error::injected 100%,a:b <&> 'x'.ddia.yaml";
    std::fs::write(dir.join(name), FIXABLE_SPEC)
        .expect("a file name with a newline is valid on Unix");
    let json = run_in(&dir, &["check", "--output-format", "json", name]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    let findings = report.as_array().expect("an array").len();
    assert!(findings > 0, "the spec has findings");
    assert_eq!(
        filenames(&report),
        vec![name.to_owned()],
        "JSON keeps the name exactly"
    );

    let github = stdout(&run_in(&dir, &["check", "--output-format", "github", name]));
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(
        lines.len(),
        findings,
        "one workflow command per finding:\n{github}"
    );
    for line in &lines {
        assert!(
            line.starts_with("::warning file=")
                || line.starts_with("::error file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(
            line.contains(
                "file=q\"uote%0A%3A%3Aerror%3A%3Ainjected 100%25%2Ca%3Ab <&> 'x'.ddia.yaml,line="
            ),
            "the name is escaped as a property: {line}"
        );
    }

    let junit = stdout(&run_in(&dir, &["check", "--output-format", "junit", name]));
    assert!(
        junit.contains(
            "q&quot;uote&#10;::error::injected 100%,a:b &lt;&amp;&gt; &apos;x&apos;.ddia.yaml"
        ),
        "{junit}"
    );
    assert!(
        !junit.contains("<&>") && !junit.contains("q\"uote"),
        "{junit}"
    );

    let sarif = stdout(&run_in(&dir, &["check", "--output-format", "sarif", name]));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("valid JSON");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "q%22uote%0A%3A%3Aerror%3A%3Ainjected%20100%25%2Ca%3Ab%20%3C%26%3E%20%27x%27.ddia.yaml"
    );
    let gitlab = stdout(&run_in(&dir, &["check", "--output-format", "gitlab", name]));
    let gitlab: serde_json::Value = serde_json::from_str(&gitlab).expect("valid JSON");
    assert_eq!(gitlab[0]["location"]["path"], name);
    let lines = stdout(&run_in(
        &dir,
        &["check", "--output-format", "json-lines", name],
    ));
    for line in lines.lines() {
        let finding: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(finding["filename"], name);
    }
}

#[test]
fn review_prints_the_checklist_and_exits_zero_even_with_missing_items() {
    let output = run_in(
        &repo_root(),
        &["review", "tests/fixtures/review/partial.ddia.yaml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("review_partial", stdout(&output));

    let output = run_in(&repo_root(), &["review", "examples/clean.ddia.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("review_clean", stdout(&output));
}

#[test]
fn review_as_json() {
    let output = run_in(
        &repo_root(),
        &[
            "review",
            "--output-format",
            "json",
            "tests/fixtures/review/complete.ddia.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("stdout is one JSON document");
    assert_eq!(value["summary"], "14 of 14 covered");
    assert_eq!(value["items"][0]["id"], "load-parameters");
    assert_eq!(value["items"][0]["line"], 4);
    assert_eq!(value["items"][0]["column"], 3);
    insta::assert_snapshot!("review_json", stdout(&output));
}

#[test]
fn graph_prints_mermaid_by_default_and_dot_on_request() {
    let output = run_in(&repo_root(), &["graph", "examples/checkout.ddia.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("graph_checkout_mermaid", stdout(&output));
    let output = run_in(
        &repo_root(),
        &["graph", "--format", "dot", "examples/checkout.ddia.yaml"],
    );
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("graph_checkout_dot", stdout(&output));
}

#[test]
fn review_and_graph_fail_with_status_two_on_unusable_input() {
    let dir = scratch("design-errors");
    std::fs::write(dir.join("values.yaml"), "replicaCount: 1\n").expect("write");
    for command in ["review", "graph"] {
        let output = run_in(&dir, &[command, "missing.ddia.yaml"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).contains("missing.ddia.yaml: cannot read"));
        let output = run_in(&dir, &[command, "values.yaml"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("not a system spec, Compose file or Kubernetes manifest"),
            "{}",
            stderr(&output)
        );
    }
    let output = run_in(&dir, &["graph", "--format", "png", "values.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_graph_example_is_what_ddia_prints() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("the README");
    let block = |fence: &str, after: usize| -> (String, usize) {
        let start = readme[after..]
            .find(fence)
            .map(|i| after + i + fence.len())
            .expect("the block");
        let end = readme[start..].find("```").expect("the block's end") + start;
        (readme[start..end].to_owned(), end)
    };
    let (spec, end) = block("```yaml\nddia: 1\nsystem: shop\n", 0);
    let (mermaid, _) = block("```mermaid\n", end);
    let dir = scratch("readme-graph");
    std::fs::write(
        dir.join("shop.ddia.yaml"),
        format!("ddia: 1\nsystem: shop\n{spec}"),
    )
    .expect("write");
    let output = run_in(&dir, &["graph", "shop.ddia.yaml"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), mermaid);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn files_named_by_a_compose_file_are_read_only_inside_the_workspace() {
    let dir = scratch("env-files");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    // Each file would make its broker's replication factor 1, if it were read.
    let setting = "KAFKA_DEFAULT_REPLICATION_FACTOR=1\n";
    std::fs::write(dir.join("outside.env"), setting).expect("write");
    std::fs::write(project.join("inside.env"), setting).expect("write");
    std::os::unix::fs::symlink("../outside.env", project.join("link.env")).expect("symlink");
    let outside = dir.join("outside.env");
    let compose = format!(
        "services:\n  inside:\n    image: confluentinc/cp-kafka:7.6.0\n    env_file: inside.env\n  parent:\n    image: confluentinc/cp-kafka:7.6.0\n    env_file: ../outside.env\n  link:\n    image: confluentinc/cp-kafka:7.6.0\n    env_file: link.env\n  absolute:\n    image: confluentinc/cp-kafka:7.6.0\n    env_file: {}\n",
        outside.display()
    );
    std::fs::write(project.join("compose.yaml"), compose).expect("write");
    let brokers = |output: &Output| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON");
        value
            .as_array()
            .expect("array")
            .iter()
            .filter(|f| f["code"] == "replication-factor-one")
            .map(|f| f["location"]["row"].to_string())
            .collect()
    };
    // Run in the project: only the file inside it is read.
    let inside = run_in(&project, &["check", "--output-format", "json", "."]);
    assert_eq!(brokers(&inside), ["4"], "{}", stdout(&inside));
    // Run in the parent: the parent is the workspace, so all four are inside it.
    let parent = run_in(&dir, &["check", "--output-format", "json", "project"]);
    assert_eq!(brokers(&parent), ["4", "7", "10", "13"]);
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_not_followed_when_walking_and_are_reported_when_named() {
    let dir = scratch("symlink-loops");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("shop.ddia.yaml"), QUORUM_SPEC).expect("write");
    std::os::unix::fs::symlink("..", dir.join("sub/up")).expect("symlink");
    std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).expect("symlink");
    std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).expect("symlink");
    let walked = run_in(&dir, &["check", "--output-format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&walked)).expect("JSON");
    let mut names = filenames(&value);
    names.dedup();
    assert_eq!(
        names,
        ["shop.ddia.yaml"],
        "each file once, no link followed"
    );
    let named = run_in(&dir, &["check", "loop-a"]);
    assert_eq!(named.status.code(), Some(2));
    assert!(
        stderr(&named).contains("loop-a: Too many levels of symbolic links"),
        "{}",
        stderr(&named)
    );
}

#[test]
fn nothing_a_file_names_is_fetched_or_opened_outside_the_workspace() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("an address").port()
    );
    let dir = scratch("no-fetch");
    std::fs::write(
        dir.join("shop.ddia.yaml"),
        format!("ddia: 1\n$ref: {url}/schema.json\ndatastores:\n  carts: {{$ref: \"{url}/carts.yaml\"}}\n"),
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.yaml"),
        format!(
            "include:\n  - {url}/base.yaml\nservices:\n  web:\n    image: nginx:1.27\n    extends: {{file: \"{url}/common.yaml\", service: base}}\n    env_file: {url}/web.env\n"
        ),
    )
    .expect("write");
    let output = run_in(&dir, &["check", "--output-format", "json", "."]);
    assert!(output.status.code().is_some(), "ddia check ran to the end");
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("ddia connected to a URL a file names: {other:?}"),
    }
}
