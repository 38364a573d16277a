"""Measurements the benchmark takes: a load run, a process's RSS, SQL statements, a CPU profile."""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from deploy.local.profiles import repo_root
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import StatementCounter, statement_counter_var
from subgraphs.products.entrypoints.asgi import create

ROUTER_DIR = repo_root() / "router"


@dataclass
class LoadResult:
    name: str
    rps: float
    p50: float
    p99: float
    errors: int

    def row(self) -> str:
        return f"| {self.name} | {self.rps:,.0f} | {self.p50:.1f} | {self.p99:.1f} | {self.errors} |"


def load(
    name: str,
    url: str,
    bodies: list[dict[str, Any]],
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bodies, f)
    args = ["node", "bench/load.mjs", url, f.name, str(seconds), str(connections)]
    args += [f"{k}:{v}" for k, v in (headers or {}).items()]
    out = subprocess.run(args, cwd=ROUTER_DIR, capture_output=True, text=True, check=True)
    Path(f.name).unlink()
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return LoadResult(name, data["rps"], data["p50"], data["p99"], data["non2xx"] + data["errors"])


def bench_environment(signer: Any, data_dir: Path) -> dict[str, str]:
    """The stack's environment plus what the bench's supergraph needs: the test signer's keys
    (so the bench can mint any user's token), quiet logs and a larger pool."""
    import os

    return {
        **os.environ,
        "JWT_JWKS_FILE": str(signer.write_jwks(data_dir / "bench-jwks.json")),
        "ACCOUNTS_SIGNING_KEY_FILE": str(signer.write_private_pem(data_dir / "bench-signing-key.pem")),
        "ACCOUNTS_SIGNING_KID": signer.kid,
        "LOG_LEVEL": "WARNING",
        "DB_POOL_SIZE": "20",
    }


def rss_mib(pid: int) -> float:
    total = 0.0
    pids = [pid, *_children(pid)]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process and its children have used so far (Linux /proc)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(") ", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / 100  # utime + stime, USER_HZ = 100
    return total


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    kids = [int(c) for c in path.read_text().split()]
    return kids + [g for k in kids for g in _children(k)]


async def statements_per_operation(
    settings: Settings, bodies: dict[str, dict[str, Any]], headers: dict[str, str]
) -> dict[str, int]:
    """SQL statements each operation sends when it executes (the response cache bypassed)."""
    app = create(settings)
    counts: dict[str, int] = {}
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, body in bodies.items():
                await client.post("/graphql", json=body, headers=headers)  # warm the parse caches
                counter = StatementCounter()
                token = statement_counter_var.set(counter)
                try:
                    response = await client.post("/graphql", json=body, headers=headers)
                finally:
                    statement_counter_var.reset(token)
                assert "errors" not in response.json(), response.text[:500]
                counts[name] = counter.count
    return counts


async def profile_execution(
    settings: Settings, body: dict[str, Any], headers: dict[str, str], iterations: int = 200
) -> tuple[float, str]:
    """Mean in-process time per executed request, and where the CPU goes (top functions)."""
    app = create(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(20):
                await client.post("/graphql", json=body, headers=headers)
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(iterations):
                await client.post("/graphql", json=body, headers=headers)
            profiler.disable()
            elapsed = time.perf_counter() - started
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()][-13:]
    return elapsed / iterations * 1000, "\n".join(lines)


async def sequential_latency(
    settings: Settings,
    bodies: dict[str, dict[str, Any]],
    headers: dict[str, str],
    rounds: int = 4,
    per_round: int = 25,
) -> dict[str, tuple[float, float]]:
    """(median, p95) ms of each operation executed alone, interleaved so drift hits all equally."""
    app = create(settings)
    samples: dict[str, list[float]] = {name: [] for name in bodies}
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for body in bodies.values():
                for _ in range(5):
                    await client.post("/graphql", json=body, headers=headers)
            for _ in range(rounds):
                for name, body in bodies.items():
                    for _ in range(per_round):
                        started = time.perf_counter()
                        await client.post("/graphql", json=body, headers=headers)
                        samples[name].append((time.perf_counter() - started) * 1000)
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = (values[len(values) // 2], values[int(len(values) * 0.95)])
    return result
