#!/usr/bin/env python3
"""Keeps the Helix and Zed configurations valid: `python3 check_configs.py DDIA_BINARY`.

- editors/helix/languages.toml is TOML, defines the `ddia` server, adds it to the
  YAML and Docker Compose languages, and its command line is one the binary accepts
  (`ddia lsp --help` exits 0).
- editors/zed: extension.toml has the fields Zed requires, declares the `ddia` server
  for YAML, and its version agrees with Cargo.toml and with the ddia workspace; the
  extension starts `ddia lsp`.
"""
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
failures = []


def check(condition, message):
    print(("ok: " if condition else "FAIL: ") + message)
    if not condition:
        failures.append(message)


def helix(binary):
    config = tomllib.loads((ROOT / "editors/helix/languages.toml").read_text())
    server = config.get("language-server", {}).get("ddia", {})
    check(server.get("command") == "ddia", "helix: the ddia server runs `ddia`")
    args = server.get("args", [])
    check(args == ["lsp"], f"helix: with the arguments {args}")
    accepted = subprocess.run([binary, *args, "--help"], capture_output=True).returncode == 0
    check(accepted, f"helix: `ddia {' '.join(args)}` is a command the binary accepts")
    languages = {language.get("name"): language for language in config.get("language", [])}
    for name in ["yaml", "docker-compose"]:
        servers = languages.get(name, {}).get("language-servers", [])
        check("ddia" in servers, f"helix: {name} runs ddia ({servers})")
        check(servers[:1] != ["ddia"] or len(servers) == 1, f"helix: {name} keeps its default servers first")


def zed():
    extension = tomllib.loads((ROOT / "editors/zed/extension.toml").read_text())
    cargo = tomllib.loads((ROOT / "editors/zed/Cargo.toml").read_text())
    workspace = tomllib.loads((ROOT / "Cargo.toml").read_text())
    for field in ["id", "name", "description", "version", "schema_version", "authors", "repository"]:
        check(field in extension, f"zed: extension.toml has `{field}`")
    check(extension.get("schema_version") == 1, "zed: schema_version is 1")
    version = workspace["workspace"]["package"]["version"]
    check(extension.get("version") == version, f"zed: the extension's version is ddia's ({version})")
    check(cargo["package"]["version"] == version, "zed: Cargo.toml has the same version")
    check(cargo["lib"]["crate-type"] == ["cdylib"], "zed: the crate is a cdylib (WebAssembly module)")
    check("zed_extension_api" in cargo["dependencies"], "zed: it uses zed_extension_api")
    check("workspace" in cargo, "zed: it is its own workspace, not a member of ddia's")
    server = extension.get("language_servers", {}).get("ddia", {})
    check(server.get("languages") == ["YAML"], f"zed: the ddia server is for YAML ({server})")
    check(extension.get("repository") == workspace["workspace"]["package"]["repository"],
          "zed: the repository is the workspace's")
    source = (ROOT / "editors/zed/src/lib.rs").read_text()
    check('worktree.which("ddia")' in source and 'args: vec!["lsp".to_string()]' in source,
          "zed: the extension starts `ddia lsp` from PATH")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    helix(sys.argv[1])
    zed()
    if failures:
        sys.exit(f"{len(failures)} checks failed")


main()
