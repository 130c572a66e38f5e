#!/usr/bin/env python3
"""Writes the deterministic benchmark inputs (Compose files, system specs, a 10,000-file tree)."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# The files written, by name: (kind, target lines, anchored). Line counts are targets:
# whole services or components are added until the target is reached, so the real
# count is a little above it (the generator prints them).
FILES: dict[str, tuple[str, int, bool]] = {
    "compose-200.yaml": ("compose", 200, False),
    "compose-2k.yaml": ("compose", 2_200, False),
    "compose-5k.yaml": ("compose", 5_000, False),
    "compose-21k.yaml": ("compose", 21_600, False),
    "compose-108k.yaml": ("compose", 108_400, False),
    "compose-anchor-22k.yaml": ("compose", 22_600, True),
    "compose-anchor-113k.yaml": ("compose", 113_000, True),
    "spec-200.ddia.yaml": ("spec", 200, False),
    "spec-5k.ddia.yaml": ("spec", 5_000, False),
    "spec-110k.ddia.yaml": ("spec", 110_000, False),
}

# Copies of Compose files with one syntax error in their `volumes` section (a line
# indented under a value that holds nothing), for keystrokes typed while another part
# of the file is broken: copy name -> the file it copies.
BROKEN: dict[str, str] = {
    "compose-5k-error.yaml": "compose-5k.yaml",
    "compose-108k-error.yaml": "compose-108k.yaml",
}
BROKEN_LINES = "  broken-volume: {}\n    driver: local\n"

TREE_FILES = 10_000
TREE_DIRS = 100

# Datastore images: (name, image, port, data dir, environment).
DATASTORES = [
    ("postgres", "postgres:16.4", 5432, "/var/lib/postgresql/data",
     [("POSTGRES_USER", "app"), ("POSTGRES_DB", "app"), ("POSTGRES_PASSWORD", "changeme")]),
    ("redis", "redis:7.2.5", 6379, "/data", []),
    ("kafka", "bitnami/kafka:3.7.1", 9092, "/bitnami/kafka",
     [("KAFKA_CFG_NODE_ID", "1"), ("KAFKA_CFG_PROCESS_ROLES", "broker,controller"),
      ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")]),
    ("mongo", "mongo:7.0.12", 27017, "/data/db",
     [("MONGO_INITDB_ROOT_USERNAME", "root")]),
    ("cassandra", "cassandra:5.0.0", 9042, "/var/lib/cassandra",
     [("CASSANDRA_CLUSTER_NAME", "bench"), ("MAX_HEAP_SIZE", "2G")]),
    ("elasticsearch", "elasticsearch:8.13.4", 9200, "/usr/share/elasticsearch/data",
     [("discovery.type", "single-node"), ("ES_JAVA_OPTS", "-Xms1g -Xmx1g")]),
]

TEAMS = ["checkout", "search", "payments", "catalog", "identity", "growth", "platform"]
LANGS = ["python", "node", "java", "go"]


def compose_datastore(rng: random.Random, index: int) -> tuple[str, list[str], str | None]:
    """One datastore service: its name, its lines and the named volume it uses."""
    kind, image, port, data_dir, env = DATASTORES[index % len(DATASTORES)]
    name = f"{kind}-{index:04d}"
    lines = [f"  {name}:"]
    # A few unpinned images, so `unpinned-image` has something to say.
    lines.append(f"    image: {image.split(':')[0] + ':latest' if rng.random() < 0.1 else image}")
    lines.append("    restart: unless-stopped")
    if rng.random() < 0.3:
        lines += ["    ports:", f'      - "{port}:{port}"']
    else:
        lines += ["    ports:", f'      - "127.0.0.1:{port + index % 100}:{port}"']
    if env:
        lines.append("    environment:")
        lines += [f"      {key}: {value!r}" if " " in value or "," in value
                  else f"      {key}: {value}" for key, value in env]
    volume = None
    if rng.random() < 0.8:
        volume = f"{name}-data"
        lines += ["    volumes:", f"      - {volume}:{data_dir}"]
    if rng.random() < 0.7:
        lines += [
            "    healthcheck:",
            f'      test: ["CMD-SHELL", "nc -z localhost {port}"]',
            "      interval: 10s",
            "      timeout: 5s",
            "      retries: 5",
        ]
    lines += [
        "    deploy:",
        "      resources:",
        "        limits:",
        f"          memory: {rng.choice(['1G', '2G', '4G'])}",
        "    labels:",
        f"      com.example.team: {rng.choice(TEAMS)}",
        "      com.example.tier: data",
    ]
    return name, lines, volume


def compose_app(rng: random.Random, index: int, stores: list[str], anchored: bool) -> list[str]:
    """One application service that calls some of the datastores."""
    name = f"svc-{index:05d}"
    team = rng.choice(TEAMS)
    lines = [f"  {name}:"]
    if anchored:
        lines.append("    <<: *service-defaults")
    lines += [
        f"    image: registry.example.com/{team}/{name}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
        f"    container_name: {name}",
    ]
    if not anchored:
        lines.append("    restart: unless-stopped")
    lines += ["    ports:", f'      - "{20000 + index % 40000}:8080"']
    used = rng.sample(stores, k=min(len(stores), rng.randint(1, 3))) if stores else []
    lines.append("    environment:")
    lines += [
        f"      SERVICE_NAME: {name}",
        f"      LOG_LEVEL: {rng.choice(['info', 'debug', 'warn'])}",
        f"      WORKERS: \"{rng.randint(1, 16)}\"",
        f"      RUNTIME: {rng.choice(LANGS)}",
    ]
    for store in used:
        kind = store.split("-")[0]
        variable = store.upper().replace("-", "_")
        lines.append(f"      {variable}_URL: {kind}://{store}:{rng.randint(1000, 9999)}/app")
    lines += [
        "    volumes:",
        f"      - ./config/{name}:/etc/app:ro",
        f"      - {name}-cache:/var/cache/app",
    ]
    if used:
        if rng.random() < 0.7:
            lines.append("    depends_on:")
            for store in used:
                condition = "service_healthy" if rng.random() < 0.8 else "service_started"
                lines += [f"      {store}:", f"        condition: {condition}"]
        else:
            lines.append(f"    depends_on: [{', '.join(used)}]")
    if not anchored:
        lines += [
            "    healthcheck:",
            '      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]',
            f"      interval: {rng.choice([5, 10, 15, 30])}s",
            "      timeout: 3s",
            "      retries: 5",
            "      start_period: 20s",
        ]
    lines += [
        "    deploy:",
        f"      replicas: {rng.randint(1, 6)}",
        "      resources:",
        "        limits:",
        f'          cpus: "{rng.choice(["0.25", "0.50", "1.00", "2.00"])}"',
        f"          memory: {rng.choice(['256M', '512M', '1G'])}",
        "        reservations:",
        f"          memory: {rng.choice(['128M', '256M'])}",
    ]
    if not anchored:
        lines += [
            "      restart_policy:",
            "        condition: on-failure",
            "        max_attempts: 3",
        ]
    lines += [
        "    labels:",
        f"      com.example.team: {team}",
        "      com.example.tier: backend",
        f"      com.example.owner: {team}-oncall@example.com",
    ]
    if not anchored:
        lines += [
            "    logging:",
            "      driver: json-file",
            "      options:",
            '        max-size: "10m"',
            '        max-file: "3"',
        ]
    return lines


ANCHOR = """\
x-service-defaults: &service-defaults
  restart: unless-stopped
  healthcheck:
    test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
    interval: 10s
    timeout: 3s
    retries: 5
    start_period: 20s
  logging:
    driver: json-file
    options:
      max-size: "10m"
      max-file: "3"
  networks:
    - backend
""".splitlines()


def compose(rng: random.Random, target: int, anchored: bool) -> str:
    """A Compose file of about `target` lines: one datastore per nine applications."""
    head = [f"# Generated by benchmarks/generate.py: Compose, ~{target} lines"]
    head += ["name: bench"]
    if anchored:
        head += ANCHOR
    body: list[str] = ["services:"]
    volumes: list[str] = []
    stores: list[str] = []
    index = 0
    # The tail (volumes and networks) is about two lines per volume.
    while len(head) + len(body) + 2 * len(volumes) + 4 < target:
        if index % 10 == 0:
            name, lines, volume = compose_datastore(rng, index)
            stores.append(name)
            stores = stores[-8:]
            if volume:
                volumes.append(volume)
        else:
            lines = compose_app(rng, index, stores, anchored and index % 10 != 1)
            volumes.append(f"svc-{index:05d}-cache")
        body += lines
        index += 1
    tail = ["", "volumes:"]
    for volume in volumes:
        tail += [f"  {volume}:", "    driver: local"]
    tail += ["", "networks:", "  backend:", "    driver: bridge"]
    if not anchored:
        tail = tail[:-4]
    return "\n".join(head + body + tail) + "\n"


MODELS = ["relational", "document", "wide-column", "key-value", "search", "time-series"]
ENGINES = {"relational": "b-tree", "document": "b-tree", "wide-column": "lsm-tree",
           "key-value": "in-memory", "search": "lsm-tree", "time-series": "columnar"}
TECH = {"relational": "postgresql", "document": "mongodb", "wide-column": "cassandra",
        "key-value": "redis", "search": "elasticsearch", "time-series": "timescaledb"}


def spec_datastore(rng: random.Random, index: int) -> list[str]:
    """One spec datastore with replication, partitioning, transactions and backup."""
    model = MODELS[index % len(MODELS)]
    lines = [
        f"  store-{index:05d}:",
        f"    model: {model}",
        f"    engine: {ENGINES[model]}",
        f"    technology: {TECH[model]}",
        f"    workload: {rng.choice(['read-heavy', 'write-heavy', 'balanced'])}",
        f"    consistency: {rng.choice(['strong', 'eventual', 'read-your-writes', 'causal'])}",
        "    replication:",
    ]
    if model == "wide-column":
        write, read = rng.choice([(2, 2), (1, 1), (3, 1), (2, 2)])
        lines += [
            "      mode: leaderless",
            "      replicas: 3",
            f"      write_quorum: {write}",
            f"      read_quorum: {read}",
            "      read_repair: true",
            "      anti_entropy: true",
        ]
    else:
        lines += [
            "      mode: single-leader",
            f"      replicas: {rng.choice([1, 2, 3, 3, 3, 5])}",
            f"      sync: {rng.choice(['sync', 'semi-sync', 'async'])}",
            f"      failover: {rng.choice(['automatic', 'manual'])}",
            "      regions: [eu-west, us-east]",
            f'      rationale: "store {index} keeps one leader so that writes are ordered"',
        ]
    lines += [
        "    partitioning:",
        f"      strategy: {rng.choice(['hash', 'range', 'consistent-hashing'])}",
        f"      key: {rng.choice(['user_id', 'tenant_id', 'order_id', 'created_at'])}",
        f"      partitions: {rng.choice([16, 32, 64, 128])}",
        f"      rebalancing: {rng.choice(['fixed-partitions', 'dynamic', 'manual'])}",
        "    transactions:",
        f"      isolation: {rng.choice(['serializable', 'snapshot', 'read-committed'])}",
        f"      distributed: {rng.choice(['none', 'none', 'saga'])}",
        "    backup:",
        f"      schedule: {rng.choice(['hourly', 'daily'])}",
        f"      restore_tested: {rng.choice(['true', 'true', 'false'])}",
    ]
    return lines


def spec_service(rng: random.Random, index: int, stores: list[str]) -> list[str]:
    """One spec service calling some datastores, with retry and timeout settings."""
    lines = [f"  api-{index:05d}:", f"    replicas: {rng.randint(1, 6)}", "    depends_on:"]
    for store in rng.sample(stores, k=min(len(stores), 2)):
        backoff = rng.choice(["exponential", "exponential", "constant", "none"])
        lines += [
            f"      {store}:",
            f"        timeout: {rng.choice([100, 250, 500, 1000])}ms",
            f"        retries: {{ max: {rng.randint(1, 5)}, backoff: {backoff}, jitter: {rng.choice(['true', 'false'])} }}",
            f"        circuit_breaker: {rng.choice(['true', 'true', 'false'])}",
            "        mode: sync",
        ]
    return lines


def spec_stream(rng: random.Random, index: int, services: list[str]) -> list[str]:
    """One event stream with its schema and consumers."""
    lines = [
        f"  events-{index:05d}:",
        "    broker: kafka",
        f"    partitions: {rng.choice([6, 12, 24])}",
        f"    replication_factor: {rng.choice([1, 3, 3])}",
        "    min_insync_replicas: 2",
        f"    delivery: {rng.choice(['at-least-once', 'exactly-once', 'at-most-once'])}",
        "    ordering_key: order_id",
        "    schema:",
        f"      format: {rng.choice(['avro', 'protobuf', 'json-schema'])}",
        f"      versioned: {rng.choice(['true', 'false'])}",
        "      compatibility: backward",
        "    consumers:",
    ]
    for service in rng.sample(services, k=min(len(services), 2)):
        lines.append(f"      {service}: {{ idempotent: {rng.choice(['true', 'false'])}, requires_ordering: true }}")
    return lines


def spec_workflow(rng: random.Random, index: int, services: list[str]) -> list[str]:
    """One saga of three steps."""
    lines = [f"  flow-{index:05d}:", "    pattern: saga", "    steps:"]
    for step, service in enumerate(rng.sample(services, k=min(len(services), 3))):
        lines += [f"      - name: step-{step}", f"        service: {service}"]
        if step < 2 and rng.random() < 0.9:
            lines.append(f"        compensation: undo-step-{step}")
    return lines


def spec(rng: random.Random, target: int) -> str:
    """A system spec of about `target` lines, every section filled in proportion."""
    count = max(1, target // 90)
    stores = [f"store-{i:05d}" for i in range(count)]
    services = [f"api-{i:05d}" for i in range(count)]
    head = [
        f"# Generated by benchmarks/generate.py: system spec, ~{target} lines",
        "ddia: 1",
        "system: bench",
        "description: A generated design for benchmarks",
        "",
        "requirements:",
        "  load:",
        "    requests_per_second: 12000",
        '    read_write_ratio: "10:1"',
        "    data_volume: 4TB",
        "    growth: 30%/year",
        "    concurrent_users: 50000",
        "  latency:",
        "    p50: 20ms",
        "    p99: 250ms",
        "  availability: 99.95%",
        "  consistency: strong",
        "  access_patterns:",
    ]
    for i, store in enumerate(stores):
        head += [
            f"    - name: pattern {i} of {store}",
            f"      datastore: {store}",
            f"      kind: {rng.choice(['point', 'range', 'scan'])}",
            f"      key: {rng.choice(['user_id', 'order_id', 'created_at'])}",
        ]
    sections: dict[str, list[str]] = {"datastores": [], "services": [], "streams": [],
                                      "workflows": [], "consensus": []}
    i = 0
    while len(head) + sum(len(s) + 2 for s in sections.values()) + 10 < target or i == 0:
        sections["datastores"] += spec_datastore(rng, i)
        sections["services"] += spec_service(rng, i, stores[: max(2, i + 1)])
        if i % 2 == 0:
            sections["streams"] += spec_stream(rng, i, services[: max(2, i + 1)])
        if i % 3 == 0:
            sections["workflows"] += spec_workflow(rng, i, services[: max(3, i + 1)])
        if i % 4 == 0:
            sections["consensus"] += [
                f"  group-{i:05d}:",
                f"    algorithm: {rng.choice(['raft', 'raft', 'paxos', 'zab'])}",
                f"    nodes: {rng.choice([3, 5, 4, 5])}",
            ]
        i += 1
    body: list[str] = []
    for name, lines in sections.items():
        body += ["", f"{name}:"] + lines
    body += [
        "",
        "observability:",
        "  metrics: true",
        "  logging: true",
        "  tracing: true",
        "  alerts: [p99-latency, replication-lag]",
    ]
    return "\n".join(head + body) + "\n"


def write_tree(rng: random.Random, root: Path, files: int) -> int:
    """`files` small files in TREE_DIRS directories, specs and Compose files mixed."""
    written = 0
    for i in range(files):
        directory = root / f"project-{i % TREE_DIRS:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        size = rng.randint(30, 300)
        if i % 2 == 0:
            path = directory / f"design-{i:05d}.ddia.yaml"
            text = spec(rng, size)
        else:
            path = directory / f"docker-compose.{i:05d}.yml"
            text = compose(rng, size, anchored=i % 6 == 1)
        path.write_text(text)
        written += len(text)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Write the deterministic benchmark inputs of ddia: Compose files "
        "(plain and with one shared `<<: *anchor`), system specs, and a tree of small "
        "files for `ddia check` throughput. Same seed, same bytes.",
    )
    parser.add_argument("--out", type=Path, default=Path("target/bench-data"),
                        help="output directory (default: target/bench-data)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default: 8)")
    parser.add_argument("--tree-files", type=int, default=TREE_FILES,
                        help=f"files in the throughput tree (default: {TREE_FILES}; 0 skips it)")
    parser.add_argument("--only", nargs="*", metavar="NAME",
                        help="write only these files (names as listed by --list)")
    parser.add_argument("--list", action="store_true", help="list the file names and exit")
    args = parser.parse_args()
    if args.list:
        for name, (kind, target, anchored) in FILES.items():
            print(f"{name}\t{kind}\t~{target} lines{' (shared anchor)' if anchored else ''}")
        for name, base in BROKEN.items():
            print(f"{name}\tcompose\t{base} with a syntax error in `volumes`")
        print(f"tree/\t{args.tree_files} small files")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (kind, target, anchored) in FILES.items():
        copies = [copy for copy, base in BROKEN.items() if base == name]
        wanted = [n for n in [name, *copies] if not args.only or n in args.only]
        if not wanted:
            continue
        # One generator per file, so that each file is the same whatever else is written.
        rng = random.Random(f"{args.seed}:{name}")
        text = compose(rng, target, anchored) if kind == "compose" else spec(rng, target)
        for out_name in wanted:
            out = text
            if out_name != name:
                at = text.index("\nvolumes:\n") + len("\nvolumes:\n")
                out = text[:at] + BROKEN_LINES + text[at:]
            (args.out / out_name).write_text(out)
            print(f"{args.out / out_name}: {out.count(chr(10))} lines, {len(out)} bytes")
    if args.tree_files and not args.only:
        tree = args.out / "tree"
        if tree.exists():
            for path in sorted(tree.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        size = write_tree(random.Random(f"{args.seed}:tree"), tree, args.tree_files)
        print(f"{tree}: {args.tree_files} files, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
