#!/usr/bin/env python3
"""`ddia check` throughput: files/s, MB/s and CPU use over whole directory trees."""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DDIA = REPO / "target-bench" / "ddia"
DEFAULT_PATHS = [REPO.parent / "shared" / "corpus", REPO / "target" / "bench-data" / "tree"]


def yaml_files(root: Path) -> tuple[int, int]:
    """Files and bytes that `ddia check` reads under `root`: `*.yaml`/`*.yml`, hidden
    files and directories skipped (the trees measured here have no .gitignore)."""
    files = size = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith((".yaml", ".yml")):
                continue
            files += 1
            size += os.path.getsize(os.path.join(directory, name))
    return files, size


def checked_count(command: list[str]) -> int | None:
    """The number of files ddia itself reports (`... in N files.`)."""
    run = subprocess.run(command, capture_output=True, text=True)
    match = re.search(r" in (\d+) files?\.", run.stdout + run.stderr)
    return int(match.group(1)) if match else None


def with_hyperfine(command: list[str], runs: int, warmup: int) -> tuple[float, float, float]:
    """Median wall seconds and mean user and system seconds, measured by hyperfine."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            ["hyperfine", "--style", "none", "--ignore-failure", "--warmup", str(warmup),
             "--runs", str(runs), "--export-json", out.name, "--",
             " ".join(_quote(part) for part in command)],
            check=True, stdout=subprocess.DEVNULL,
        )
        result = json.load(open(out.name))["results"][0]
    return result["median"], result["user"], result["system"]


def with_python(command: list[str], runs: int, warmup: int) -> tuple[float, float, float]:
    """The same measures without hyperfine: wall clock and the children's rusage."""
    for _ in range(warmup):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls: list[float] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (statistics.median(walls), (after.ru_utime - before.ru_utime) / runs,
            (after.ru_stime - before.ru_stime) / runs)


def _quote(part: str) -> str:
    return part if re.fullmatch(r"[\w./=:-]+", part) else "'" + part.replace("'", "'\\''") + "'"


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Run the release `ddia check` over directory trees (default: "
        "../shared/corpus and the 10,000 generated files of benchmarks/generate.py) and "
        "print files/s, MB/s and CPU use ((user+sys)/wall, out of the cores) as Markdown. "
        "Uses hyperfine when installed, else Python timing.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS,
                        help="directories (or files) to check")
    parser.add_argument("--ddia", default=str(DEFAULT_DDIA), help="the ddia binary")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per path")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (page cache)")
    parser.add_argument("--no-hyperfine", action="store_true", help="time with Python even if hyperfine is installed")
    args = parser.parse_args()

    use_hyperfine = shutil.which("hyperfine") is not None and not args.no_hyperfine
    cores = os.cpu_count() or 1
    print(f"`ddia check` ({args.ddia}), {cores} cores, "
          f"timed with {'hyperfine' if use_hyperfine else 'Python'}, median of {args.runs} runs")
    print()
    print("| tree | files | MB | wall (median) | files/s | MB/s | user+sys | CPU use |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in args.paths:
        if not path.exists():
            print(f"| {path} | missing | | | | | | |")
            continue
        files, size = yaml_files(path) if path.is_dir() else (1, path.stat().st_size)
        command = [args.ddia, "check", str(path)]
        reported = checked_count(command)
        if reported is not None and reported != files:
            print(f"note: ddia reports {reported} files under {path}, counted {files}", file=sys.stderr)
            files = reported
        measure = with_hyperfine if use_hyperfine else with_python
        wall, user, system = measure(command, args.runs, args.warmup)
        cpu = user + system
        print(f"| {path} | {files} | {size / 1e6:.1f} | {wall:.3f} s | {files / wall:,.0f} | "
              f"{size / 1e6 / wall:.1f} | {cpu:.2f} s | {cpu / wall:.2f} of {cores} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
