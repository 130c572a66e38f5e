"""Validates `ddia check --output-format sarif` against the official SARIF 2.1.0 JSON Schema.

The schema is not committed: CI unpacks it from an npm package (see `.ci/run`) and
passes its path in `SARIF_SCHEMA`. The binary is `target/debug/ddia` or `DDIA_BIN`.
"""

import json
import os
import pathlib
import subprocess

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("DDIA_BIN", str(ROOT / "target" / "debug" / "ddia"))
SCHEMA = os.environ["SARIF_SCHEMA"]


def sarif_of(*paths: str) -> dict:
    result = subprocess.run(
        [BINARY, "check", "--output-format", "sarif", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_the_report_is_valid_sarif_2_1_0():
    schema = json.loads(pathlib.Path(SCHEMA).read_text())
    log = sarif_of("examples/", "tests/fixtures/rules/shared-data-volume/compose-fires.yaml")
    validator = jsonschema.Draft4Validator(schema)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    results = log["runs"][0]["results"]
    assert results, "the examples have findings"
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= region.keys()
    assert any("relatedLocations" in r for r in results)


def test_a_clean_report_is_valid_too():
    schema = json.loads(pathlib.Path(SCHEMA).read_text())
    log = sarif_of("examples/clean.ddia.yaml")
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["results"] == []
