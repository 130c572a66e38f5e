#!/usr/bin/env python3
"""LSP latency benchmark: drives language servers over stdio and times keystroke → diagnostics.

For each file and each server: spawn the server, initialize, `didOpen` and time the
first `publishDiagnostics` for the file; then send single-character incremental
`didChange` edits at seeded random positions, waiting after each one for the
diagnostics that answer it. `--edit-kind anywhere` (the default) edits any position
of the file: a random character (letters, digits, space, `:`, `-`, `#`, a quote or a
line break) is inserted, or the character there (a line break included) is deleted,
and the next edit undoes it, so half the edits break or change the structure and the
file never drifts far from its start. `--edit-kind values` edits only inside scalar
values (the YAML stays valid and keeps its shape). Reports p50/p95/p99/max, the didOpen time, the peak RSS of the server's
process tree, and the RSS after `didClose`, as a Markdown table.

Python 3.11 standard library only: raw JSON-RPC, no LSP client library.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import random
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DDIA = REPO / "target-bench" / "ddia"
DEFAULT_YLS = HERE / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
DEFAULT_SCHEMA = REPO.parent / "shared" / "schemas" / "compose-spec.json"

# `key: value` where value is a plain scalar we can edit without breaking the YAML.
VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z0-9_.\-]+: )([A-Za-z0-9][A-Za-z0-9_.:/@\-]*)\s*$")
# Keys whose values must stay as they are for the file to keep its shape.
FROZEN_KEYS = {"<<", "condition", "driver", "mode", "pattern", "strategy", "model", "engine"}
EDIT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
# What `--edit-kind anywhere` inserts: mostly what people type, and YAML's punctuation.
ANYWHERE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789" + "  ::--#\"\n\n"


# ----------------------------------------------------------------------------- JSON-RPC


class Server:
    """A language server process spoken to over stdio, answering its requests."""

    def __init__(self, command: list[str], settings: dict, cwd: Path) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        self.settings = settings
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.diagnostics: queue.Queue = queue.Queue()
        self.last: list[dict] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.rss = RssWatcher(self.process.pid)

    def _send(self, message: dict) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.diagnostics.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            body = stream.read(length)
            # The message has arrived once its bytes are read; decoding it is the
            # client's work, not the server's latency.
            arrived = time.perf_counter()
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
            elif "method" in message:
                if message["method"] == "textDocument/publishDiagnostics":
                    self.diagnostics.put((arrived, message["params"]))
            elif "id" in message:
                slot = self.responses.get(message["id"])
                if slot is not None:
                    slot.put(message)

    def _answer(self, request: dict) -> None:
        """Answers the server's own requests (configuration, registrations, progress)."""
        method = request["method"]
        result: object = None
        if method == "workspace/configuration":
            result = []
            for item in request["params"].get("items", []):
                section = item.get("section") or ""
                value: object = self.settings
                for part in section.split(".") if section else []:
                    value = value.get(part, None) if isinstance(value, dict) else None
                result.append(value)
        elif method == "workspace/workspaceFolders":
            result = []
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def request(self, method: str, params: object, timeout: float = 60) -> dict:
        self.next_id += 1
        slot: queue.Queue = queue.Queue()
        self.responses[self.next_id] = slot
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return slot.get(timeout=timeout)

    def notify(self, method: str, params: object) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, version: int, sent: float, timeout: float) -> float | None:
        """Seconds from `sent` to the publish for `uri` that answers `version` (its
        diagnostics are left in `self.last`).

        A publish with a version must carry this one; a publish without a version (some
        servers do not send it) counts if it arrived after `sent`.
        """
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                item = self.diagnostics.get(timeout=left)
            except queue.Empty:
                return None
            if item is None:
                raise RuntimeError("the server exited")
            arrived, params = item
            if params.get("uri") != uri or arrived < sent:
                continue
            published = params.get("version")
            if published is None or published == version:
                self.last = params.get("diagnostics", [])
                return arrived - sent

    def drain(self) -> None:
        while True:
            try:
                self.diagnostics.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.rss.stop()


# ----------------------------------------------------------------------------- memory


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def status_kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssWatcher:
    """Polls the RSS of a process tree; the peak is the larger of the polled sum and
    the biggest single VmHWM (exact for one process)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.stopped = threading.Event()
        self.tree = [pid]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        polls = 0
        while not self.stopped.is_set():
            if polls % 20 == 0:
                self.tree = process_tree(self.pid)
            polls += 1
            rss = sum(status_kib(pid, "VmRSS") for pid in self.tree)
            hwm = max((status_kib(pid, "VmHWM") for pid in self.tree), default=0)
            self.peak_kib = max(self.peak_kib, rss, hwm)
            self.stopped.wait(self.interval)

    def current_kib(self) -> int:
        return sum(status_kib(pid, "VmRSS") for pid in process_tree(self.pid))

    def stop(self) -> None:
        self.stopped.set()


# ----------------------------------------------------------------------------- edits


class Editor:
    """The document's lines and seeded single-character edits inside scalar values."""

    def __init__(self, text: str, seed: int) -> None:
        self.lines = text.split("\n")
        self.rng = random.Random(seed)
        self.candidates = [i for i, line in enumerate(self.lines) if self._span(line)]
        if not self.candidates:
            raise ValueError("no editable scalar value in the file")

    @staticmethod
    def _span(line: str) -> tuple[int, int] | None:
        match = VALUE_LINE.match(line)
        if not match:
            return None
        key = match.group(1).strip().removeprefix("- ").rstrip(": ").strip()
        if key in FROZEN_KEYS:
            return None
        return match.start(2), match.end(2)

    def next_edit(self) -> tuple[dict, str]:
        """A random edit: (LSP range, new text). Applies it to the lines."""
        while True:
            row = self.rng.choice(self.candidates)
            line = self.lines[row]
            span = self._span(line)
            if span is None:  # an earlier edit made the value non-editable
                continue
            start, end = span
            # Keep the first character of the value: it decides how YAML reads it.
            if end - start > 3 and self.rng.random() < 0.5:
                at = self.rng.randrange(start + 1, end)
                self.lines[row] = line[:at] + line[at + 1 :]
                return _range(row, at, row, at + 1), ""
            at = self.rng.randrange(start + 1, end + 1)
            char = self.rng.choice(EDIT_CHARS)
            self.lines[row] = line[:at] + char + line[at:]
            return _range(row, at, row, at), char


class AnywhereEditor:
    """Seeded single-character edits at any position; each one is undone by the next."""

    def __init__(self, text: str, seed: int) -> None:
        self.lines = text.split("\n")
        self.rng = random.Random(seed)
        self.undo: tuple[dict, str] | None = None

    def _apply(self, edit_range: dict, new_text: str) -> None:
        start, end = edit_range["start"], edit_range["end"]
        head = self.lines[start["line"]][: start["character"]]
        tail = self.lines[end["line"]][end["character"] :]
        self.lines[start["line"] : end["line"] + 1] = (head + new_text + tail).split("\n")

    def next_edit(self) -> tuple[dict, str]:
        """A random edit, or the undoing of the last one: (LSP range, new text)."""
        if self.undo is not None:
            edit, self.undo = self.undo, None
            self._apply(*edit)
            return edit
        row = self.rng.randrange(len(self.lines))
        line = self.lines[row]
        joinable = row + 1 < len(self.lines)
        if self.rng.random() < 0.5 and (line or joinable):
            # Delete the character at a random column (the line break at its end too).
            at = self.rng.randrange(len(line) + (1 if joinable else 0))
            if at == len(line):
                edit = (_range(row, at, row + 1, 0), "")
                self.undo = (_range(row, at, row, at), "\n")
            else:
                edit = (_range(row, at, row, at + 1), "")
                self.undo = (_range(row, at, row, at), line[at])
        else:
            at = self.rng.randrange(len(line) + 1)
            char = self.rng.choice(ANYWHERE_CHARS)
            edit = (_range(row, at, row, at), char)
            end = _range(row + 1, 0, row + 1, 0)["start"] if char == "\n" else {"line": row, "character": at + 1}
            self.undo = ({"start": {"line": row, "character": at}, "end": end}, "")
        self._apply(*edit)
        return edit


def _range(l1: int, c1: int, l2: int, c2: int) -> dict:
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


# ----------------------------------------------------------------------------- servers


def compose_schema_settings(schema: Path, files: list[Path]) -> dict:
    globs = sorted({"**/" + f.name for f in files} | {"*.yaml", "*.yml"})
    return {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "format": {"enable": False},
            "schemaStore": {"enable": False},
            "schemas": {schema.resolve().as_uri(): globs},
            "maxItemsComputed": 5000,
        },
        "http": {"proxyStrictSSL": False},
        "editor": {"tabSize": 2},
        "[yaml]": {},
        "files": {"associations": {}},
    }


@dataclass
class ServerSpec:
    name: str
    command: list[str]
    settings: dict
    language_id: str
    edits: int


@dataclass
class Result:
    server: str
    file: str
    lines: int
    open_ms: float | None = None
    open_diagnostics: int | None = None
    latencies_ms: list[float] = field(default_factory=list)
    planned: int = 0
    peak_rss_kib: int = 0
    closed_rss_kib: int | None = None
    note: str = ""


def run_one(spec: ServerSpec, path: Path, args: argparse.Namespace) -> Result:
    text = path.read_text()
    result = Result(spec.name, path.name, text.count("\n"), planned=spec.edits)
    uri = path.resolve().as_uri()
    server = Server(spec.command, spec.settings, cwd=path.parent)
    try:
        init = {
            "processId": os.getpid(),
            "clientInfo": {"name": "ddia-lsp-latency"},
            "rootUri": path.parent.resolve().as_uri(),
            "workspaceFolders": [{"uri": path.parent.resolve().as_uri(), "name": "bench"}],
            "initializationOptions": spec.settings,
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
                "textDocument": {
                    "synchronization": {"didSave": True},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                },
            },
        }
        server.request("initialize", init, timeout=60)
        server.notify("initialized", {})
        server.notify("workspace/didChangeConfiguration", {"settings": spec.settings})
        time.sleep(args.settle)
        server.drain()
        version = 1
        sent = time.perf_counter()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": spec.language_id, "version": version, "text": text}})
        opened = server.wait_diagnostics(uri, version, sent, args.open_timeout)
        if opened is None:
            result.note = f"didOpen: no diagnostics within {args.open_timeout:g} s"
            return result
        result.open_ms = opened * 1000
        result.open_diagnostics = len(server.last)
        if args.verbose:
            for diagnostic in server.last[:5]:
                print(f"  {spec.name}: {diagnostic.get('range', {}).get('start')} "
                      f"{diagnostic.get('message', '')[:100]}", file=sys.stderr)
        editor = AnywhereEditor(text, args.seed) if args.edit_kind == "anywhere" else Editor(text, args.seed)
        started = time.perf_counter()
        for _ in range(spec.edits):
            if time.perf_counter() - started > args.budget:
                result.note = f"stopped after the {args.budget:g} s budget"
                break
            edit_range, new_text = editor.next_edit()
            version += 1
            # Let the previous round settle: a server may publish twice per change.
            time.sleep(args.pause)
            server.drain()
            sent = time.perf_counter()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": edit_range, "text": new_text}],
            })
            took = server.wait_diagnostics(uri, version, sent, args.timeout)
            if took is None:
                result.note = f"edit {version - 1}: no diagnostics within {args.timeout:g} s (timeout)"
                break
            result.latencies_ms.append(took * 1000)
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        time.sleep(args.close_wait)
        result.closed_rss_kib = server.rss.current_kib()
    except RuntimeError as error:
        result.note = str(error)
    finally:
        result.peak_rss_kib = server.rss.peak_kib
        server.close()
        result.peak_rss_kib = max(result.peak_rss_kib, server.rss.peak_kib)
    return result


# ----------------------------------------------------------------------------- report


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with p% of them at or below it."""
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def fmt_mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def table(results: list[Result]) -> str:
    rows = [
        "| file | lines | server | edits | p50 | p95 | p99 | max | didOpen | diagnostics | peak RSS | RSS after close | note |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lat = r.latencies_ms
        cells = [fmt_ms(percentile(lat, p)) if lat else "—" for p in (50, 95, 99)]
        rows.append(
            f"| {r.file} | {r.lines} | {r.server} | {len(lat)}/{r.planned} | "
            + " | ".join(cells)
            + f" | {fmt_ms(max(lat)) if lat else '—'} | {fmt_ms(r.open_ms)} | "
            f"{'—' if r.open_diagnostics is None else r.open_diagnostics} | "
            f"{fmt_mib(r.peak_rss_kib)} | {fmt_mib(r.closed_rss_kib)} | {r.note} |"
        )
    return "\n".join(rows)


def ratios(results: list[Result]) -> str:
    by_file: dict[str, dict[str, Result]] = {}
    for r in results:
        by_file.setdefault(r.file, {})[r.server] = r
    rows = ["| file | yls p50 / ddia p50 | yls didOpen / ddia didOpen | yls peak RSS / ddia peak RSS |",
            "|---|---:|---:|---:|"]
    for name, servers in by_file.items():
        ddia, yls = servers.get("ddia"), servers.get("yls")
        if not ddia or not yls:
            continue

        def ratio(a: float | None, b: float | None, unit: str = "x") -> str:
            return f"{a / b:.0f}{unit}" if a and b else "—"

        p50 = ratio(statistics.median(yls.latencies_ms) if yls.latencies_ms else None,
                    statistics.median(ddia.latencies_ms) if ddia.latencies_ms else None)
        rows.append(f"| {name} | {p50} | {ratio(yls.open_ms, ddia.open_ms)} | "
                    f"{yls.peak_rss_kib / max(ddia.peak_rss_kib, 1):.1f}x |")
    return "\n".join(rows) if len(rows) > 2 else ""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " Prints a Markdown table per server per "
        "file, and the yaml-language-server/ddia ratios when both ran.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("files", nargs="+", type=Path, help="YAML files to open and edit")
    parser.add_argument("--servers", default="ddia,yls",
                        help="comma-separated: ddia, yls (yaml-language-server)")
    parser.add_argument("--ddia", default=str(DEFAULT_DDIA),
                        help="the ddia binary (run as `BINARY lsp`); benchmark a release build")
    parser.add_argument("--yls", default=f"node {DEFAULT_YLS}",
                        help="the yaml-language-server command (`--stdio` is added)")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA,
                        help="the Compose JSON Schema given to yaml-language-server")
    parser.add_argument("--edits", type=int, default=200, help="single-character edits per file")
    parser.add_argument("--yls-edits", type=int, default=None,
                        help="edits per file for yaml-language-server (default: --edits)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the edit positions")
    parser.add_argument("--edit-kind", choices=["anywhere", "values"], default="anywhere",
                        help="anywhere: insert or delete any character, each edit undone by the next; "
                        "values: only inside scalar values")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for the diagnostics of one edit")
    parser.add_argument("--open-timeout", type=float, default=300,
                        help="seconds to wait for the diagnostics after didOpen")
    parser.add_argument("--budget", type=float, default=600,
                        help="seconds of editing per server per file; the rest of the edits are skipped")
    parser.add_argument("--pause", type=float, default=0.01,
                        help="seconds between an answer and the next edit (not timed)")
    parser.add_argument("--settle", type=float, default=0.5,
                        help="seconds between initialization and didOpen (not timed)")
    parser.add_argument("--close-wait", type=float, default=2.0,
                        help="seconds after didClose before reading the RSS")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--verbose", action="store_true",
                        help="print the first diagnostics after didOpen (to check the schema is used)")
    args = parser.parse_args()

    servers: list[ServerSpec] = []
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    for name in names:
        if name == "ddia":
            servers.append(ServerSpec("ddia", [args.ddia, "lsp"], {}, "yaml", args.edits))
        elif name == "yls":
            command = shlex.split(args.yls) + ["--stdio"]
            settings = compose_schema_settings(args.schema, args.files)
            edits = args.edits if args.yls_edits is None else args.yls_edits
            servers.append(ServerSpec("yls", command, settings, "yaml", edits))
        else:
            parser.error(f"unknown server `{name}` (ddia, yls)")
    results: list[Result] = []
    for path in args.files:
        for spec in servers:
            if spec.name == "yls" and path.name.endswith((".ddia.yaml", ".ddia.yml")):
                continue  # yaml-language-server has no schema for specs
            print(f"{spec.name}: {path} ...", file=sys.stderr, flush=True)
            result = run_one(spec, path, args)
            results.append(result)
            print(table([result]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(results))
    summary = ratios(results)
    if summary:
        print()
        print(summary)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
