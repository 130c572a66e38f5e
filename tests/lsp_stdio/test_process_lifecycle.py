"""The `ddia lsp` process under load and at its end: memory after bursts, exit on EOF, parent death.

These tests speak raw JSON-RPC over the real binary's stdin and stdout (no client
library), so that they can close stdin mid-stream, kill the parent and read the
server's memory from `/proc`.
"""

import json
import os
import pathlib
import queue
import subprocess
import sys
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("DDIA_BIN", str(ROOT / "target" / "debug" / "ddia"))

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def spec(stores: int) -> str:
    """A spec with `stores` leaderless datastores, each with a quorum finding."""
    lines = ["ddia: 1", "datastores:"]
    for i in range(stores):
        lines += [
            f"  store{i}:",
            "    replication:",
            "      mode: leaderless",
            "      replicas: 3",
            "      write_quorum: 1",
            "      read_quorum: 1",
        ]
    return "\n".join(lines) + "\n"


class Server:
    """A `ddia lsp` child process with a thread that reads everything it writes."""

    def __init__(self, process_id=None):
        self.process = subprocess.Popen(
            [BINARY, "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": process_id, "rootUri": None, "capabilities": {}})
        self.notify("initialized", {})

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params, timeout: float = 60):
        request_id = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def wait_for(self, matches, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if matches(message):
                return message

    def quiet(self, seconds: float = 0.5):
        """Waits until the server has said nothing for `seconds`."""
        while True:
            try:
                self.messages.get(timeout=seconds)
            except queue.Empty:
                return

    def rss_kib(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def exited_within(self, seconds: float):
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server():
    started = Server()
    yield started
    started.kill()


def open_change_close(server: Server, count: int, text: str):
    """Opens, edits and closes `count` documents without waiting, then waits for calm."""
    for i in range(count):
        uri = f"file:///burst/{i}.ddia.yaml"
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": 5, "character": 17},
                            "end": {"line": 5, "character": 17},
                        },
                        "text": "0",
                    }
                ],
            },
        )
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    # A request answered after every notification before it has been handled.
    server.request("textDocument/hover", {"textDocument": {"uri": "file:///none.yaml"}, "position": {"line": 0, "character": 0}})
    server.quiet()


def test_memory_returns_after_a_thousand_documents_are_closed(server: Server):
    text = spec(100)  # 600 lines, 100 findings each.
    open_change_close(server, 10, text)
    baseline = server.rss_kib()
    open_change_close(server, 1000, text)
    first = server.rss_kib()
    open_change_close(server, 1000, text)
    second = server.rss_kib()
    print(f"RSS: baseline {baseline} KiB, after 1,000 documents {first} KiB, after 2,000 {second} KiB")
    # Closed documents hold nothing: a second thousand costs nothing more, and the
    # server stays near where it started (the allocator may keep a little).
    assert second <= first + 8 * 1024, (baseline, first, second)
    assert second <= baseline + 32 * 1024, (baseline, first, second)


def test_memory_returns_after_a_large_file_is_closed(server: Server):
    open_change_close(server, 1, spec(10))
    baseline = server.rss_kib()
    uri = "file:///large.ddia.yaml"
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": spec(18_000)}},
    )
    server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    opened = server.rss_kib()
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.wait_for(
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri
        and m["params"]["diagnostics"] == []
    )
    server.quiet()
    # The server frees a closed document on a low-priority thread: on a busy machine
    # that takes a while, so the memory is given up to 20 s to come back.
    limit = baseline + (opened - baseline) // 4
    deadline = time.monotonic() + 20
    closed = server.rss_kib()
    while closed > limit and time.monotonic() < deadline:
        time.sleep(0.25)
        closed = server.rss_kib()
    print(f"RSS: baseline {baseline} KiB, 108k-line spec open {opened} KiB, closed {closed} KiB")
    assert opened > baseline + 10 * 1024, "the open file is held in memory"
    assert closed <= limit, (baseline, opened, closed)


def test_exits_when_the_client_closes_stdin(server: Server):
    server.process.stdin.close()
    assert server.exited_within(10) is not None


def test_exits_when_stdin_closes_in_the_middle_of_an_analysis(server: Server):
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": "file:///big.ddia.yaml", "languageId": "yaml", "version": 1, "text": spec(10_000)}},
    )
    server.process.stdin.close()
    assert server.exited_within(10) is not None


def test_exits_when_its_parent_process_dies():
    parent = subprocess.Popen(["sleep", "600"])
    server = Server(process_id=parent.pid)
    try:
        server.request("textDocument/hover", {"textDocument": {"uri": "file:///none.yaml"}, "position": {"line": 0, "character": 0}})
        assert server.process.poll() is None
        parent.kill()
        parent.wait()
        assert server.exited_within(15) == 0
    finally:
        server.kill()


def test_shutdown_then_exit_ends_the_process_with_success(server: Server):
    assert server.request("shutdown", None)["result"] is None
    server.notify("exit", None)
    assert server.exited_within(10) == 0


def test_exit_without_shutdown_ends_the_process_with_status_one(server: Server):
    server.notify("exit", None)
    assert server.exited_within(10) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'[{"jsonrpc":"2.0","id":90,"method":"shutdown"}]',
        b"42",
        b"this is not json",
        b'{"id":91,"method":"shutdown"}',
        b'{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}',
        b"",
    ],
    ids=["empty-batch", "batch", "number", "not-json", "no-jsonrpc", "float-id", "empty-body"],
)
def test_a_bad_message_is_answered_and_the_server_goes_on(server: Server, raw: bytes):
    server.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(raw), raw))
    server.process.stdin.flush()
    reply = server.wait_for(lambda m: "error" in m and "method" not in m, timeout=10)
    assert reply["error"]["code"] in (-32700, -32600)
    # The next message is answered at once, by a server that is still there.
    started = time.monotonic()
    hover = server.request("textDocument/hover", {"textDocument": {"uri": "file:///none.yaml"}, "position": {"line": 0, "character": 0}}, timeout=5)
    assert "result" in hover and time.monotonic() - started < 5
    assert server.process.poll() is None


def test_headers_with_bare_line_feeds_are_read():
    server = Server()
    try:
        body = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "shutdown"}).encode()
        server.process.stdin.write(b"Content-Length: %d\n\n%s" % (len(body), body))
        server.process.stdin.flush()
        reply = server.wait_for(lambda m: m.get("id") == 77, timeout=10)
        assert reply.get("result", "missing") is None
    finally:
        server.kill()


@pytest.mark.parametrize("process_id", [0, 4_000_000])
def test_a_parent_it_cannot_see_is_not_watched(process_id: int):
    """`processId: 0`, or an id from another PID namespace (an editor on the host, the
    server in a container), is not taken for a dead parent."""
    server = Server(process_id=process_id)
    try:
        log = server.wait_for(lambda m: m.get("method") == "window/logMessage" and "not watching" in m["params"]["message"], timeout=10)
        assert str(process_id) in log["params"]["message"]
        assert server.exited_within(5) is None, "the server stays"
    finally:
        server.kill()
