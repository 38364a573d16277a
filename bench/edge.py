"""The edge's price: router rps with its limits and cost estimation on and off, and the rate limiter.

Three routers in front of the same subgraphs differ only in the edge (router/edge.ts): `on`
(structural limits + cost estimation, what production runs), `off` (neither), `rate` (`on` plus
the Redis rate limiter, with a bucket too large to refuse). The machine is noisy, so the modes
alternate in short rounds and the report gives each mode's median; the ceiling benchmark (a
trivial subgraph: the router's own work is all there is) does the same. The rate limiter's
decisions per second and the rules' own microseconds come from router/bench/edge.mjs.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import scenarios
from bench.measure import ROUTER_DIR, LoadResult, cpu_seconds, load
from deploy.local.supergraph import Running, start_router, stop, subgraph_urls

MODES = ("off", "on", "rate")
HUGE_BUCKET = "1000000000/100000000"
EDGE_ENV = {
    "off": {"ROUTER_LIMITS": "0", "ROUTER_COST": "0", "ROUTER_RATE_LIMIT": "0"},
    "on": {"ROUTER_LIMITS": "1", "ROUTER_COST": "1", "ROUTER_RATE_LIMIT": "0"},
    "rate": {
        "ROUTER_LIMITS": "1",
        "ROUTER_COST": "1",
        "ROUTER_RATE_LIMIT": "1",
        "ROUTER_RATE_LIMIT_ANONYMOUS": HUGE_BUCKET,
        "ROUTER_RATE_LIMIT_SIGNED_IN": HUGE_BUCKET,
    },
}


@dataclass
class EdgeFigures:
    results: list[LoadResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _median(results: list[LoadResult], mode: str) -> float:
    return statistics.median(r.rps for r in results if r.name.endswith(f"edge {mode}"))


def _ceilings(rounds: int, seconds: int, connections: int) -> dict[str, Any]:
    """One trivial-subgraph router per mode, up at once and loaded in alternating rounds."""
    args = ["node", "bench/run.mjs", "--compare-edge", str(rounds), "--duration", str(seconds)]
    out = subprocess.run(
        [*args, "--connections", str(connections), "--warmup", "1"],
        cwd=ROUTER_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(out.stdout[out.stdout.index("{") :])["compareEdge"]
    return figures


def _rules_and_limiter() -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".graphql", delete=False) as f:
        f.write(scenarios.STOREFRONT)
    try:
        script = ["node", "--import", "./test/ts-hooks.mjs", "bench/edge.mjs"]
        out = subprocess.run(
            [*script, "--json", "--duration", "5", "--query-file", f.name],
            cwd=ROUTER_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(f.name).unlink()
    figures: dict[str, Any] = json.loads(out.stdout[out.stdout.index("{") :])
    return figures


def measure_edge(
    sg: Running,
    env: Mapping[str, str],
    log_dir: Path,
    listing: dict[str, Any],
    *,
    seconds: int,
    connections: int,
    rounds: int = 3,
) -> EdgeFigures:
    figures = EdgeFigures()
    extra = Running()
    try:
        urls = {"on": sg.router_url}
        for port, mode in ((24091, "off"), (24092, "rate")):
            router_env = {**subgraph_urls(sg), "ROUTER_DEDUPE": "0", **EDGE_ENV[mode]}
            urls[mode] = start_router(extra, env, log_dir, port, router_env, name=f"router-edge-{mode}")
        for mode in MODES:
            load("warm-up", urls[mode], [listing], seconds=2, connections=8)
        listing_runs: list[LoadResult] = []
        cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
        pids = {"on": sg.processes["router"].pid}
        pids.update({mode: extra.processes[f"router-edge-{mode}"].pid for mode in ("off", "rate")})
        for _ in range(rounds):
            for mode in MODES:
                name = f"(a) listing 20 — via router, cached, edge {mode}"
                before = cpu_seconds(pids[mode])
                run = load(name, urls[mode], [listing], seconds=seconds, connections=connections)
                cpu[mode].append((cpu_seconds(pids[mode]) - before) * 1e6 / max(1.0, run.rps * seconds))
                listing_runs.append(run)
    finally:
        stop(extra)
    ceilings = _ceilings(rounds + 2, seconds, connections)
    figures.results = listing_runs
    edge = _rules_and_limiter()
    rules, redis, serial, local = edge["rules"], edge["redis"], edge["serial"], edge["local"]
    off, on, rate = (_median(listing_runs, m) for m in MODES)
    cpu_us = {mode: statistics.median(values) for mode, values in cpu.items()}
    # Each round's on ÷ off, then the median: a noisy moment hits both runs of a round alike.
    paired = statistics.median(
        listing_runs[i + 1].rps / listing_runs[i].rps for i in range(0, len(listing_runs), len(MODES))
    )
    c_off, c_on, c_rate = (ceilings[m]["medianRps"] for m in MODES)
    cpu_off, cpu_on, cpu_rate = (ceilings[m]["medianCpuUsPerRequest"] for m in MODES)
    ceiling_errors = sum(ceilings[m]["errors"] for m in MODES)
    figures.lines = [
        f"- cached listing via router, {rounds} alternating rounds: edge on ÷ off, median of the "
        f"rounds' ratios {paired:.2f}; of the medians {on / off:.2f} ({on:,.0f} ÷ {off:,.0f} rps; "
        f"target ≥ 0.95); with the rate limiter ÷ off {rate / off:.2f} ({rate:,.0f} rps); router "
        f"CPU per request off / on / rate: {cpu_us['off']:.0f} / {cpu_us['on']:.0f} / "
        f"{cpu_us['rate']:.0f} µs",
        f"- router ceiling (trivial subgraph; one router per mode, {rounds + 2} alternating rounds, "
        f"medians): on ÷ off {c_on / c_off:.2f} ({c_on:,.0f} ÷ {c_off:,.0f} rps), with the rate limiter "
        f"÷ off {c_rate / c_off:.2f} ({c_rate:,.0f}); router CPU per request off / on / rate: "
        f"{cpu_off} / {cpu_on} / {cpu_rate} µs; errors {ceiling_errors}",
        f"- the rules alone, storefront listing (cost {rules['estimate']}): parse + limits "
        f"{rules['parseAndMeasureUs']} µs once per document, estimate {rules['estimateUs']} µs "
        f"(new variables) / {rules['estimateRememberedUs']} µs (remembered), actual cost of a "
        f"20-product response {rules['actualUs']} µs",
        f"- rate limiter, one router process → Redis (Lua, {edge['concurrency']} in flight, "
        f"{edge['callers']} callers): {redis['decisionsPerSecond']:,} decisions/s, p50 "
        f"{redis['p50Ms']} ms, p99 {redis['p99Ms']} ms; one at a time: p50 {serial['p50Ms']} ms "
        f"({serial['decisionsPerSecond']:,}/s); in-process fallback (Redis down): "
        f"{local['decisionsPerSecond']:,} decisions/s",
    ]
    return figures
