#!/usr/bin/env python3
"""Peak memory per input byte of `ddia check` and of the language server, on hostile shapes.

Writes each shape (a flow list of one-character numbers, a block list of tiny items,
flow mappings in a file of no known kind, a Compose file, deep nesting) at the sizes
given, then measures:
- `ddia check FILE`: peak RSS (the child's ru_maxrss) and wall time;
- `ddia lsp`: the server's VmHWM after `didOpen` of the same text, once its
  diagnostics are published.

    python3 benchmarks/memory_per_byte.py --ddia target/release/ddia --sizes 2 8

Never run by CI: the numbers go to BENCHMARKS.md.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time


def shape(name: str, size: int) -> tuple[str, str]:
    """The file name and text of a shape of about `size` bytes."""
    if name == "flow-list":
        count = size // 2
        return "compose.yaml", "services:\n  db:\n    image: postgres:16\n    command: [" + ",".join("1" * count) + "]\n"
    if name == "block-list":
        return "list.ddia.yaml", "ddia: 1\nnotes:\n" + "- a\n" * (size // 4)
    if name == "other-flow":
        lines = [f"k{i}: [a, b, {{c: d}}]\n" for i in range(size // 20)]
        return "other.yaml", "".join(lines)
    if name == "compose":
        lines = ["services:\n"]
        for i in range(size // 75):
            lines.append(f"  s{i}:\n    image: nginx:1.25\n    ports: ['80{i % 10}:80']\n    environment:\n      A: '1'\n")
        return "compose.yaml", "".join(lines)
    if name == "deep":
        block = "".join("  " * (d + 1) + f"k{d}:\n" for d in range(100)) + "  " * 101 + "v\n"
        return "deep.ddia.yaml", "ddia: 1\nnotes:\n" + block * (size // len(block))
    raise ValueError(name)


SHAPES = ["flow-list", "block-list", "other-flow", "compose", "deep"]


def check(binary: str, path: pathlib.Path) -> tuple[float, float, str]:
    """Peak RSS in MiB, seconds, and the first line of output of `ddia check`."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([binary, "check", "-q", "--output-format", "concise", str(path)], stdout=out, stderr=subprocess.DEVNULL)
        # wait4 gives this child's own peak, not the largest of every child so far.
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        seconds = time.monotonic() - started
        out.seek(0)
        first = (out.read().decode().splitlines() or [""])[0][:110]
    return usage.ru_maxrss / 1024, seconds, first


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_message(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def server(binary: str, name: str, text: str) -> tuple[float, float]:
    """The server's peak RSS (VmHWM) in MiB after opening `text`, and the seconds it took."""
    process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
        process.stdin.flush()
        while read_message(process.stdout).get("id") != 1:
            pass
        started = time.monotonic()
        uri = f"file:///tmp/{name}"
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}))
        process.stdin.flush()
        while True:
            message = read_message(process.stdout)
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                break
        seconds = time.monotonic() - started
        with open(f"/proc/{process.pid}/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        return peak / 1024, seconds
    finally:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ddia", default="target/release/ddia")
    parser.add_argument("--sizes", type=float, nargs="+", default=[2.0], help="sizes in MiB")
    parser.add_argument("--shapes", nargs="+", default=SHAPES)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    print("| shape | size | check peak | B/byte | check time | server peak | B/byte | open time | check says |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            for name in args.shapes:
                file_name, text = shape(name, int(size * 1024 * 1024))
                path = pathlib.Path(folder) / file_name
                path.write_text(text)
                peak, seconds, said = check(args.ddia, path)
                per_byte = peak * 1024 * 1024 / len(text)
                row = f"| {name} | {len(text) / 1048576:.1f} MiB | {peak:.0f} MiB | {per_byte:.0f} | {seconds:.2f} s"
                if args.no_server:
                    row += " | | | "
                else:
                    server_peak, open_seconds = server(args.ddia, file_name, text)
                    row += f" | {server_peak:.0f} MiB | {server_peak * 1048576 / len(text):.0f} | {open_seconds:.2f} s"
                print(f"{row} | {said or '(nothing)'} |", flush=True)
                path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
