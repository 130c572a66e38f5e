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
                "fixes",
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
fn force_exclude_applies_exclusions_to_files_named_on_the_command_line() {
    let dir = scratch("force-exclude");
    std::fs::create_dir_all(dir.join("generated")).expect("mkdir");
    std::fs::write(dir.join("ddia.toml"), "extend-exclude = [\"generated\"]\n").expect("write");
    std::fs::write(dir.join("generated/x.ddia.yaml"), QUORUM_SPEC).expect("write");
    // A file named on the command line is checked, as pre-commit passes them...
    let named = run_in(
        &dir,
        &[
            "check",
            "--output-format",
            "concise",
            "generated/x.ddia.yaml",
        ],
    );
    assert_eq!(named.status.code(), Some(1), "{}", stdout(&named));
    assert!(
        stdout(&named).contains("generated/x.ddia.yaml:8:20: warning[non-overlapping-quorums]")
    );
    // ...unless `--force-exclude` applies the configuration's exclusions to it.
    let forced = run_in(
        &dir,
        &[
            "check",
            "--force-exclude",
            "--output-format",
            "concise",
            "generated/x.ddia.yaml",
        ],
    );
    assert_eq!(forced.status.code(), Some(0), "{}", stdout(&forced));
    assert!(!stdout(&forced).contains("non-overlapping-quorums"));
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
    run_in(
        &dir,
        &["check", "--fix", "--unsafe-fixes", "shop.ddia.yaml"],
    );
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

/// Runs `ddia` in `dir` with `input` on standard input.
fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = ddia()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ddia starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("ddia finishes")
}

/// With standard input, fixes and baselines go to standard output, whatever file
/// `--stdin-filename` names: that file is never written or created (as with ruff).
#[test]
fn fixes_of_standard_input_go_to_standard_output_never_to_the_named_file() {
    let dir = scratch("stdin-fix");
    std::fs::write(dir.join("target.ddia.yaml"), "untouched\n").expect("writable");
    for flags in [
        &["--fix"][..],
        &["--fix", "--unsafe-fixes"],
        &["--add-ignore"],
    ] {
        for name in ["target.ddia.yaml", "../outside-stdin/x.ddia.yaml"] {
            let mut args = vec!["check"];
            args.extend(flags);
            args.extend(["--stdin-filename", name, "-"]);
            let output = run_with_stdin(&dir, &args, FIXABLE_SPEC);
            let printed = stdout(&output);
            assert!(
                printed.starts_with("ddia: 1   # a comment the fix must keep"),
                "{flags:?}: the fixed text is the output:\n{printed}"
            );
            assert_ne!(printed, FIXABLE_SPEC, "{flags:?}: something was fixed");
            // The report goes to standard error, beside the text.
            if flags == ["--add-ignore"] {
                assert!(printed.contains("# ddia: ignore["), "{printed}");
            } else {
                assert!(
                    stderr(&output).contains("-->"),
                    "{flags:?}: {}",
                    stderr(&output)
                );
            }
        }
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("target.ddia.yaml")).expect("readable"),
        "untouched\n"
    );
    assert!(!dir.join("../outside-stdin").exists(), "nothing is created");
    // `--diff` prints the diff only.
    let diff = run_with_stdin(
        &dir,
        &[
            "check",
            "--diff",
            "--stdin-filename",
            "target.ddia.yaml",
            "-",
        ],
        FIXABLE_SPEC,
    );
    assert!(stdout(&diff).starts_with("--- a/target.ddia.yaml\n+++ b/target.ddia.yaml\n"));
}

/// Fixing writes through a fresh temporary file: a symbolic link stays a link and its
/// target is fixed; the mode, the byte-order mark and CRLF line endings are kept; no
/// temporary file is left behind.
#[cfg(unix)]
#[test]
fn fixing_keeps_links_modes_byte_order_marks_and_line_endings() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fix-keeps");
    std::fs::create_dir_all(dir.join("real")).expect("writable");
    let crlf = FIXABLE_SPEC.replace('\n', "\r\n");
    let original = format!("\u{FEFF}{crlf}");
    std::fs::write(dir.join("real/spec.ddia.yaml"), &original).expect("writable");
    std::fs::set_permissions(
        dir.join("real/spec.ddia.yaml"),
        std::fs::Permissions::from_mode(0o640),
    )
    .expect("chmod");
    std::os::unix::fs::symlink("real/spec.ddia.yaml", dir.join("link.ddia.yaml")).expect("symlink");
    let output = run_in(
        &dir,
        &["check", "--fix", "--unsafe-fixes", "link.ddia.yaml"],
    );
    assert!(output.status.code() != Some(2), "{}", stderr(&output));
    let link = std::fs::symlink_metadata(dir.join("link.ddia.yaml")).expect("the link");
    assert!(link.file_type().is_symlink(), "the link is still a link");
    let fixed = std::fs::read(dir.join("real/spec.ddia.yaml")).expect("readable");
    let fixed = String::from_utf8(fixed).expect("UTF-8");
    assert_ne!(fixed, original, "the target was fixed");
    assert!(fixed.starts_with('\u{FEFF}'), "the byte-order mark is kept");
    let lone_line_feeds = fixed
        .match_indices('\n')
        .filter(|(at, _)| !fixed[..*at].ends_with('\r'))
        .count();
    assert_eq!(lone_line_feeds, 0, "every line ends with CRLF:\n{fixed:?}");
    let mode = std::fs::metadata(dir.join("real/spec.ddia.yaml"))
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    for folder in [dir.clone(), dir.join("real")] {
        let leftovers: Vec<_> = std::fs::read_dir(&folder)
            .expect("listable")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// A fix whose result has a new error finding (here a duplicate key, because the key
/// is there with a value of the wrong type) is never applied, and fixing twice changes
/// nothing the second time.
#[test]
fn unsafe_fixes_never_add_errors_and_a_second_run_changes_nothing() {
    let dir = scratch("fix-idempotent");
    let spec = "ddia: 1\ndatastores:\n  carts:\n    replication:\n      mode: leaderless\n      replicas: 3\n      write_quorum: 1\n      read_quorum: \"2\"\n    retries:\n      max: 3\n      backoff: lin\n";
    std::fs::write(dir.join("q.ddia.yaml"), spec).expect("writable");
    run_in(&dir, &["check", "--fix", "--unsafe-fixes", "q.ddia.yaml"]);
    let once = std::fs::read_to_string(dir.join("q.ddia.yaml")).expect("readable");
    assert_eq!(once.matches("read_quorum").count(), 1, "{once}");
    assert_eq!(once.matches("backoff").count(), 1, "{once}");
    let output = run_in(&dir, &["check", "--output-format", "json", "q.ddia.yaml"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert!(
        report
            .as_array()
            .expect("an array")
            .iter()
            .all(|finding| finding["code"] != "duplicate-key"),
        "{report}"
    );
    run_in(&dir, &["check", "--fix", "--unsafe-fixes", "q.ddia.yaml"]);
    let twice = std::fs::read_to_string(dir.join("q.ddia.yaml")).expect("readable");
    assert_eq!(once, twice);
}

/// The volume fix of a Compose service whose last volume is a long-syntax mapping
/// ending in a key with no value, at the end of the file: the new mount goes after
/// that entry's line, and the top-level `volumes:` after everything.
#[test]
fn the_volume_fix_follows_the_yaml_structure_at_the_end_of_a_file() {
    let dir = scratch("fix-volume-eof");
    let base = "services:\n  kafka:\n    image: apache/kafka:3.7.0\n    volumes:\n      - type: bind\n        source: ./x\n        target: /opt/x\n        read_only:";
    for ending in ["", "\n", " true\n", "   \n\n# end\n"] {
        let text = format!("{base}{ending}");
        std::fs::write(dir.join("compose.yaml"), &text).expect("writable");
        run_in(&dir, &["check", "--fix", "--unsafe-fixes", "compose.yaml"]);
        let fixed = std::fs::read_to_string(dir.join("compose.yaml")).expect("readable");
        let line = ending.lines().next().unwrap_or("");
        let expected_mount = format!("read_only:{line}\n      - kafka-data:/var/lib/kafka/data\n");
        assert!(
            fixed.contains(&expected_mount),
            "{ending:?}: the mount follows the last entry:\n{fixed}"
        );
        assert!(
            fixed.ends_with("volumes:\n  kafka-data: {}\n"),
            "{ending:?}: the volume is declared at the end:\n{fixed}"
        );
        assert_eq!(fixed.matches("kafka-data").count(), 2, "{fixed}");
    }
}

/// Template syntax inside strings, block scalars and comments is ordinary text: such
/// files are checked. A `{{` that YAML does not read as text makes a template.
#[test]
fn only_template_syntax_outside_strings_makes_a_template() {
    let dir = scratch("templates");
    std::fs::write(
        dir.join("statefulset.yaml"),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\nspec:\n  replicas: 1\n  serviceName: pg\n  selector:\n    matchLabels: {app: pg}\n  template:\n    metadata:\n      labels: {app: pg}\n    spec:\n      containers:\n        - name: pg\n          image: postgres:16.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  rules.yml: |\n    - alert: Down\n      annotations:\n        summary: Instance {{ $labels.instance }} down\n",
    )
    .expect("writable");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  db:\n    image: postgres:16.2\n    healthcheck:\n      test: docker inspect --format {{.State.Health.Status}} db  # {{ x }}\n",
    )
    .expect("writable");
    std::fs::write(
        dir.join("helm.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: pg\n      image: postgres\n",
    )
    .expect("writable");
    let output = run_in(&dir, &["check", "--output-format", "json", "."]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let names = filenames(&report);
    assert!(names.contains(&"compose.yaml".to_owned()), "{names:?}");
    assert!(names.contains(&"statefulset.yaml".to_owned()), "{names:?}");
    assert!(!names.contains(&"helm.yaml".to_owned()), "{names:?}");
}

/// Names from the file reach terminals and CI logs with their control characters and
/// bidi overrides made visible: no escape sequence, and no line break that would start
/// a workflow command.
#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    let dir = scratch("control-characters");
    let spec = "ddia: 1\ndatastores:\n  \"x\\n::error file=README.md,line=1::INJECTED\\e[2J\\e]0;title\\a\\u202Eevil\":\n    replication:\n      mode: leaderless\n      replicas: 3\n      write_quorum: 1\n      read_quorum: 1\n";
    std::fs::write(dir.join("evil.ddia.yaml"), spec).expect("writable");
    for args in [
        &["check", "--output-format", "concise", "evil.ddia.yaml"][..],
        &["check", "--output-format", "full", "evil.ddia.yaml"],
        &["check", "--output-format", "github", "evil.ddia.yaml"],
        &["review", "evil.ddia.yaml"],
        &["graph", "evil.ddia.yaml"],
    ] {
        let output = run_in(&dir, args);
        let printed = stdout(&output);
        assert!(
            printed.contains("INJECTED"),
            "{args:?}: the name is shown:\n{printed}"
        );
        for unwanted in ['\u{1b}', '\u{7}', '\u{202E}'] {
            assert!(
                !printed.contains(unwanted),
                "{args:?}: {unwanted:?} in\n{printed}"
            );
        }
        assert!(
            printed
                .lines()
                .all(|line| !line.starts_with("::error file=README")),
            "{args:?}: a forged workflow command:\n{printed}"
        );
    }
}

/// Counts at the ends of 64-bit integers: no overflow, no sum shown negative.
#[test]
fn extreme_quorum_counts_are_computed_exactly() {
    let dir = scratch("extreme-quorums");
    for value in [i64::MAX.to_string(), (1i64 << 62).to_string()] {
        let spec = QUORUM_SPEC
            .replace("replicas: 3", &format!("replicas: {value}"))
            .replace("write_quorum: 1", &format!("write_quorum: {value}"))
            .replace("read_quorum: 1", &format!("read_quorum: {value}"));
        std::fs::write(dir.join("q.ddia.yaml"), spec).expect("writable");
        let output = run_in(&dir, &["check", "--output-format", "json", "q.ddia.yaml"]);
        let report = stdout(&output);
        assert!(
            !report.contains("non-overlapping-quorums"),
            "{value}: {report}"
        );
        assert!(!report.contains("= -"), "{value}: {report}");
    }
    // W + R = 2^62 + 1 <= N = 2^62 + 1 would be a real finding, with exact numbers.
    let n = (1i64 << 62) + 1;
    let spec = QUORUM_SPEC
        .replace("replicas: 3", &format!("replicas: {n}"))
        .replace("write_quorum: 1", &format!("write_quorum: {}", 1i64 << 62));
    std::fs::write(dir.join("q.ddia.yaml"), spec).expect("writable");
    let output = run_in(&dir, &["check", "--output-format", "json", "q.ddia.yaml"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let finding = find(&report, "non-overlapping-quorums");
    assert_eq!(
        finding["message"],
        format!(
            "W + R = {n} is not greater than N = {n}: a read quorum can miss every replica that took the latest write (datastore `carts`)"
        )
    );
}

/// A `ddia.toml` above the repository root (or the home folder) never applies.
#[test]
fn configuration_is_not_searched_above_the_repository_root() {
    let dir = scratch("config-boundary");
    std::fs::write(dir.join("ddia.toml"), "ignore = [\"all\"]\n").expect("writable");
    std::fs::create_dir_all(dir.join("repo/.git")).expect("writable");
    std::fs::create_dir_all(dir.join("repo/sub")).expect("writable");
    std::fs::write(dir.join("repo/sub/q.ddia.yaml"), QUORUM_SPEC).expect("writable");
    let output = run_in(
        &dir.join("repo"),
        &["check", "--output-format", "json", "sub"],
    );
    assert!(
        stdout(&output).contains("non-overlapping-quorums"),
        "the planted ddia.toml is not read: {}",
        stdout(&output)
    );
    // Without the repository, the same file is found.
    std::fs::remove_dir_all(dir.join("repo/.git")).expect("removable");
    let output = ddia()
        .current_dir(dir.join("repo"))
        .env("HOME", "/nonexistent-home")
        .args(["check", "--output-format", "json", "sub"])
        .output()
        .expect("ddia runs");
    assert!(
        !stdout(&output).contains("non-overlapping-quorums"),
        "{}",
        stdout(&output)
    );
}

/// `!!str 3` and `3` followed by a no-break space are strings, not the number 3.
#[test]
fn tagged_and_no_break_space_numbers_are_strings() {
    let dir = scratch("string-numbers");
    for value in ["!!str 1", "1\u{A0}"] {
        let spec = QUORUM_SPEC.replace("read_quorum: 1", &format!("read_quorum: {value}"));
        std::fs::write(dir.join("q.ddia.yaml"), spec).expect("writable");
        let output = run_in(&dir, &["check", "--output-format", "json", "q.ddia.yaml"]);
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
        let finding = find(&report, "schema-violation");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("read_quorum") && m.contains("whole number")),
            "{value:?}: {finding}"
        );
    }
}

/// `review` and `graph` honour the size limit and say so, and refuse what is not a
/// regular file (a FIFO would block forever) or leads into /proc.
#[cfg(unix)]
#[test]
fn review_and_graph_read_only_regular_files_under_the_limit() {
    let dir = scratch("design-limits");
    std::fs::write(dir.join("ddia.toml"), "max-file-size = \"100\"\n").expect("writable");
    std::fs::write(dir.join("q.ddia.yaml"), QUORUM_SPEC).expect("writable");
    for command in ["review", "graph"] {
        let output = run_in(&dir, &[command, "q.ddia.yaml"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("above the 100 bytes limit (`max-file-size`)"),
            "{command}: {}",
            stderr(&output)
        );
    }
    std::fs::remove_file(dir.join("ddia.toml")).expect("removable");
    let fifo = dir.join("pipe.ddia.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|status| status.success()) {
        for command in ["review", "graph"] {
            let output = run_in(&dir, &[command, "pipe.ddia.yaml"]);
            assert_eq!(output.status.code(), Some(2));
            assert!(
                stderr(&output).contains("not a regular file"),
                "{}",
                stderr(&output)
            );
        }
    }
    std::os::unix::fs::symlink("/proc/self/environ", dir.join("env.ddia.yaml")).expect("symlink");
    for args in [
        &["check", "env.ddia.yaml"][..],
        &["review", "env.ddia.yaml"],
    ] {
        let output = run_in(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("leads to /proc"),
            "{}",
            stderr(&output)
        );
    }
}

/// Standard input is read up to the size limit and no further: an endless stream gets
/// one note.
#[test]
fn standard_input_is_read_only_up_to_the_limit() {
    let mut child = ddia()
        .args([
            "check",
            "--max-file-size",
            "1KB",
            "--output-format",
            "concise",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ddia starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        // Far more than the limit; ddia stops reading and the pipe breaks.
        let line = [b'a'; 1024];
        for _ in 0..100_000 {
            if stdin.write_all(&line).is_err() {
                return;
            }
        }
    });
    let output = child.wait_with_output().expect("ddia finishes");
    writer.join().expect("the writer ends");
    assert_eq!(
        stdout(&output).trim(),
        "-:1:1: info[resource-limit] standard input is larger than the 1.0 KB limit (`max-file-size`): it was not checked"
    );
}

/// A credential is masked in every snippet and diff whether or not a finding is shown
/// for it: a suppressed `plaintext-secret`, a password in a health check's command, a
/// URL's password.
#[test]
fn credentials_are_masked_even_without_a_finding_for_them() {
    let dir = scratch("masked-without-finding");
    let compose = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n    environment:\n      POSTGRES_PASSWORD: Hunter2-suppressed  # ddia: ignore[plaintext-secret]\n      REPLICA_URL: postgres://app:Url-Pass-77@db:5432/app\n    healthcheck:\n      test: mysqladmin ping --password=Check-Pass-55\n";
    std::fs::write(dir.join("compose.yaml"), compose).expect("writable");
    for args in [
        &["check", "--diff", "--unsafe-fixes", "compose.yaml"][..],
        &["check", "--output-format", "full", "compose.yaml"],
    ] {
        let output = run_in(&dir, args);
        let printed = format!("{}{}", stdout(&output), stderr(&output));
        for secret in ["Hunter2-suppressed", "Url-Pass-77", "Check-Pass-55"] {
            assert!(
                !printed.contains(secret),
                "{args:?}: {secret} shown:\n{printed}"
            );
        }
    }
    let diff = stdout(&run_in(
        &dir,
        &["check", "--diff", "--unsafe-fixes", "compose.yaml"],
    ));
    assert!(
        diff.contains("POSTGRES_PASSWORD: ******************"),
        "{diff}"
    );
}

/// Fixing standard input that is larger than the limit prints nothing in its place and
/// fails, so an editor piping its buffer through `ddia check --fix -` keeps it.
#[test]
fn oversized_standard_input_is_never_replaced_by_a_fix() {
    let dir = scratch("stdin-oversized-fix");
    let big = format!("{FIXABLE_SPEC}{}", "# padding\n".repeat(200));
    let output = run_with_stdin(
        &dir,
        &[
            "check",
            "--fix",
            "--max-file-size",
            "1KB",
            "--stdin-filename",
            "x.ddia.yaml",
            "-",
        ],
        &big,
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output)
            .contains("x.ddia.yaml: larger than the size limit: not fixed, and not printed"),
        "{}",
        stderr(&output)
    );
}

/// A run that checked nothing says so, instead of "All checks passed"; skipped files
/// are counted beside checked ones.
#[test]
fn the_summary_says_what_was_not_checked() {
    let dir = scratch("summary-skipped");
    std::fs::write(
        dir.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .expect("writable");
    std::fs::write(dir.join("ci.yaml"), "on: push\n").expect("writable");
    let output = run_in(&dir, &["check", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "No file was checked. Skipped: 1 Helm or Go template (render it first, e.g. `helm template`); 1 file of no kind ddia reads (not a system spec, a Compose file or Kubernetes manifests).\n"
    );
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.25\n",
    )
    .expect("writable");
    let output = run_in(&dir, &["check", "."]);
    assert_eq!(
        stdout(&output),
        "All checks passed: 1 file found nothing to report. Skipped: 1 Helm or Go template (render it first, e.g. `helm template`); 1 file of no kind ddia reads (not a system spec, a Compose file or Kubernetes manifests).\n"
    );
    // Excluded files are counted too; an empty folder has no YAML file at all.
    std::fs::write(dir.join("ddia.toml"), "extend-exclude = [\"ci.yaml\"]\n").expect("writable");
    let output = run_in(&dir, &["check", "."]);
    assert_eq!(
        stdout(&output),
        "All checks passed: 1 file found nothing to report. Skipped: 1 Helm or Go template (render it first, e.g. `helm template`); 1 file excluded by `exclude` in ddia.toml.\n"
    );
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let output = run_in(&empty, &["check", "."]);
    assert_eq!(
        stdout(&output),
        "No file was checked: no YAML file (`.yaml`, `.yml`) was found in the paths given.\n"
    );
}

/// `--statistics`: a row per code with a fixable mark and a total, or one JSON document.
#[test]
fn statistics_in_text_and_json() {
    let output = run_in(&repo_root(), &["check", "--statistics", "examples/"]);
    let text = stdout(&output);
    assert!(
        text.contains("  retry-without-jitter                      [*]  info     "),
        "{text}"
    );
    assert!(
        text.ends_with("Found 9 problems (1 fixable with `--fix`).\n"),
        "{text}"
    );
    let output = run_in(
        &repo_root(),
        &[
            "check",
            "--statistics",
            "--output-format",
            "json",
            "examples/",
        ],
    );
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(report["total"], 9);
    assert_eq!(report["fixable"], 1);
    let jitter = report["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["code"] == "retry-without-jitter"))
        .expect("a row for retry-without-jitter");
    assert_eq!(jitter["count"], 1);
    assert_eq!(jitter["fixable"], 1);
}

/// After `--fix`, the summary says how many were fixed and how many remain.
#[test]
fn fix_reports_what_it_fixed_and_what_remains() {
    let dir = scratch("fixed-summary");
    for name in ["checkout.ddia.yaml", "clean.ddia.yaml"] {
        std::fs::copy(repo_root().join("examples").join(name), dir.join(name)).expect("copy");
    }
    let before = run_in(&dir, &["check", "--isolated", "."]);
    assert!(
        stdout(&before).ends_with(
            "Found 9 problems (2 errors, 5 warnings, 2 info) in 2 files.\n1 fixable with `ddia check --fix` (4 more with `--fix --unsafe-fixes`, which change the design: review them).\n"
        ),
        "{}",
        stdout(&before)
    );
    let fixed = run_in(&dir, &["check", "--isolated", "--fix", "."]);
    assert!(
        stdout(&fixed).ends_with(
            "Fixed 1 problem (8 remaining) in 2 files.\n4 have a fix that changes the design (review it): `ddia check --fix --unsafe-fixes`.\n"
        ),
        "{}",
        stdout(&fixed)
    );
}

/// The codes of a concise report, one per finding, in order.
fn codes(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter_map(|line| {
            let start = line.find('[')? + 1;
            let end = line[start..].find(']')? + start;
            Some(line[start..end].to_owned())
        })
        .collect()
}

#[test]
fn select_extend_select_and_ignore_on_the_command_line_layer_over_ddia_toml() {
    let dir = scratch("cli-selection");
    std::fs::write(dir.join("ddia.toml"), "ignore = [\"missing-backup\"]\n").expect("write");
    std::fs::write(dir.join("shop.ddia.yaml"), QUORUM_SPEC).expect("write");
    let concise = ["check", "--output-format", "concise", "shop.ddia.yaml"];
    let base = codes(&run_in(&dir, &concise));
    assert!(
        base.contains(&"non-overlapping-quorums".to_owned()),
        "{base:?}"
    );
    assert!(
        !base.contains(&"missing-backup".to_owned()),
        "the file's ignore: {base:?}"
    );
    // `--select` replaces the selection and the file's ignores.
    let selected = codes(&run_in(
        &dir,
        &[
            &concise[..],
            &["--select", "missing-backup,non-overlapping-quorums"],
        ]
        .concat(),
    ));
    assert_eq!(selected, ["missing-backup", "non-overlapping-quorums"]);
    // `--extend-select` brings back what the file ignores; `--ignore` adds to it.
    let extended = codes(&run_in(
        &dir,
        &[
            &concise[..],
            &[
                "--extend-select",
                "missing-backup",
                "--ignore",
                "non-overlapping-quorums",
            ],
        ]
        .concat(),
    ));
    assert!(
        extended.contains(&"missing-backup".to_owned()),
        "{extended:?}"
    );
    assert!(
        !extended.contains(&"non-overlapping-quorums".to_owned()),
        "{extended:?}"
    );
    // A category works as in ddia.toml; a misspelt one is an error with a suggestion.
    let category = codes(&run_in(
        &dir,
        &[&concise[..], &["--select", "replication"]].concat(),
    ));
    assert_eq!(category, ["non-overlapping-quorums"]);
    let typo = run_in(&dir, &[&concise[..], &["--select", "replicaton"]].concat());
    assert_eq!(typo.status.code(), Some(2));
    assert_eq!(
        stderr(&typo),
        "error: `replicaton` names no rule and no category; did you mean `replication`?\n"
    );
}

#[test]
fn profile_and_exit_zero_on_the_command_line() {
    let dir = scratch("cli-profile");
    let compose = "services:\n  db:\n    image: postgres:16.4\n    ports: [\"5432:5432\"]\n    volumes: [db:/var/lib/postgresql/data]\nvolumes:\n  db:\n";
    std::fs::write(dir.join("compose.yaml"), compose).expect("write");
    let production = run_in(
        &dir,
        &["check", "--output-format", "concise", "compose.yaml"],
    );
    assert_eq!(production.status.code(), Some(1));
    assert_eq!(codes(&production), ["exposed-datastore-port"]);
    let development = run_in(
        &dir,
        &[
            "check",
            "--profile",
            "development",
            "--output-format",
            "concise",
            "compose.yaml",
        ],
    );
    assert_eq!(
        development.status.code(),
        Some(0),
        "{}",
        stdout(&development)
    );
    assert!(codes(&development).is_empty());
    // `--exit-zero` reports the findings and exits 0.
    let exit_zero = run_in(
        &dir,
        &[
            "check",
            "--exit-zero",
            "--output-format",
            "concise",
            "compose.yaml",
        ],
    );
    assert_eq!(exit_zero.status.code(), Some(0));
    assert_eq!(codes(&exit_zero), ["exposed-datastore-port"]);
}

#[test]
fn unsafe_fixes_needs_fix_or_diff() {
    let dir = scratch("cli-unsafe-fixes");
    std::fs::write(dir.join("shop.ddia.yaml"), QUORUM_SPEC).expect("write");
    let alone = run_in(&dir, &["check", "--unsafe-fixes", "shop.ddia.yaml"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(
        stderr(&alone).contains("<--fix|--diff>"),
        "{}",
        stderr(&alone)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("shop.ddia.yaml")).expect("read"),
        QUORUM_SPEC,
        "nothing is written"
    );
    let diff = run_in(
        &dir,
        &["check", "--unsafe-fixes", "--diff", "shop.ddia.yaml"],
    );
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).contains("+      read_quorum: 2"),
        "{}",
        stdout(&diff)
    );
}

#[test]
fn explain_takes_any_case_and_suggests_the_nearest_code() {
    let dir = scratch("cli-explain");
    let upper = run_in(&dir, &["explain", "Non_Overlapping_Quorums"]);
    assert_eq!(upper.status.code(), Some(0));
    assert!(stdout(&upper).starts_with("# non-overlapping-quorums\n"));
    let typo = run_in(&dir, &["explain", "non-overlaping-quorums"]);
    assert_eq!(typo.status.code(), Some(2));
    assert_eq!(
        stderr(&typo),
        "error: no rule has the code `non-overlaping-quorums`; did you mean `non-overlapping-quorums`?\n"
    );
}

#[test]
fn lsp_accepts_stdio_and_version_names_the_build() {
    let dir = scratch("cli-lsp-stdio");
    let lsp = ddia()
        .current_dir(&dir)
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(lsp.status.success(), "{}", stderr(&lsp));
    let version = stdout(&run_in(&dir, &["--version"]));
    let expected = format!("ddia {}", env!("CARGO_PKG_VERSION"));
    assert!(version.starts_with(&expected), "{version}");
    // From a checkout, the commit and its date follow: `ddia 0.1.0 (1a2b3c4 2026-12-07)`.
    if repo_root().join(".git").is_dir() {
        let rest = version
            .trim_end()
            .strip_prefix(&expected)
            .unwrap_or_default();
        assert!(
            rest.starts_with(" (") && rest.ends_with(')') && rest.split(' ').count() == 3,
            "{version}"
        );
    }
}

#[test]
fn show_settings_prints_each_setting_with_where_it_came_from() {
    let dir = scratch("show-settings");
    std::fs::create_dir_all(dir.join("dev")).expect("mkdir");
    std::fs::write(
        dir.join("ddia.toml"),
        "ignore = [\"missing-backup\"]\n[severity]\nunpinned-image = \"error\"\n[per-file-ignores]\n\"dev/*\" = [\"plaintext-secret\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("dev/compose.yaml"),
        "# ddia: profile=development\nservices: {}\n",
    )
    .expect("write");
    let output = run_in(
        &dir,
        &[
            "check",
            "--show-settings",
            "--ignore",
            "last-write-wins",
            "dev/compose.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let config = dir.join("ddia.toml").display().to_string();
    let text = stdout(&output).replace(&config, "ddia.toml");
    assert!(
        text.starts_with(
            "Settings for dev/compose.yaml
  configuration file: ddia.toml
  profile: development (the file's `# ddia: profile` comment)
  select: every rule (default)
  extend-select: none
  ignore:
    missing-backup (ddia.toml)
    last-write-wins (command line)
    plaintext-secret (per-file-ignores \"dev/*\" in ddia.toml)
    single-point-of-failure (development profile)
"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "  severity:
    unpinned-image = error (ddia.toml)
  max-file-size: 20.0 MB (default)
"
        ),
        "{text}"
    );
    // `--isolated`: nothing from the file.
    let output = run_in(
        &dir,
        &["check", "--show-settings", "--isolated", "dev/compose.yaml"],
    );
    assert!(
        stdout(&output).contains("  configuration file: none\n"),
        "{}",
        stdout(&output)
    );
}

/// Shell completions, the man page, and one `--output-format` on every subcommand.
#[test]
fn completions_man_page_and_output_format_everywhere() {
    let output = run_in(&repo_root(), &["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = stdout(&output);
    assert!(script.contains("_ddia()"), "{script}");
    assert!(
        script.contains("--show-settings"),
        "check's flags are completed"
    );
    let output = run_in(&repo_root(), &["completions", "zsh"]);
    assert!(stdout(&output).starts_with("#compdef ddia"));
    let output = run_in(&repo_root(), &["man"]);
    let page = stdout(&output);
    assert!(page.contains(".TH ddia 1"), "{page}");
    assert!(page.contains("check"), "{page}");
    // `rules`: a category column, and JSON by `--output-format` (or the older `--json`).
    let output = run_in(&repo_root(), &["rules"]);
    let first = stdout(&output)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        first.split_whitespace().take(3).collect::<Vec<_>>(),
        ["syntax-error", "error", "syntax"]
    );
    for args in [
        &["rules", "--output-format", "json"][..],
        &["rules", "--json"][..],
    ] {
        let output = run_in(&repo_root(), args);
        let rules: serde_json::Value =
            serde_json::from_str(&stdout(&output)).expect("one JSON document");
        assert_eq!(rules[0]["category"], "syntax");
    }
    let output = run_in(
        &repo_root(),
        &[
            "graph",
            "--output-format",
            "dot",
            "examples/checkout.ddia.yaml",
        ],
    );
    assert!(stdout(&output).starts_with("digraph"));
}

/// `--watch` checks, waits, and checks again when a file changes, clearing the screen.
#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::BufRead as _;
    let dir = scratch("watch");
    let file = dir.join("compose.yaml");
    std::fs::write(&file, "services:\n  web:\n    image: nginx:1.25\n").expect("write");
    let mut child = ddia()
        .current_dir(&dir)
        .args(["check", "--watch", "--output-format", "concise", "."])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the ddia binary runs");
    let stdout = child.stdout.take().expect("piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let wait_for = |wanted: &str, seen: &mut Vec<String>| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok(line) = receiver.recv_timeout(std::time::Duration::from_millis(200)) {
                let found = line.contains(wanted);
                seen.push(line);
                if found {
                    return true;
                }
            }
        }
        false
    };
    assert!(
        wait_for("Watching for file changes.", &mut seen),
        "{seen:?}"
    );
    std::fs::write(
        &file,
        "services:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n",
    )
    .expect("write");
    let found = wait_for("warning[exposed-datastore-port]", &mut seen);
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "{seen:?}");
    assert!(seen[0].starts_with("\u{1b}[2J\u{1b}[H["), "{seen:?}");
    assert_eq!(
        seen.iter()
            .filter(|line| line.ends_with("Checking..."))
            .count(),
        2,
        "{seen:?}"
    );
}
