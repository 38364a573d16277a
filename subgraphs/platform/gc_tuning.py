"""The garbage collector of a long-running subgraph process.

A GraphQL request builds a large, short-lived object graph (field nodes, resolver infos,
result dicts); CPython's default generation-0 threshold (700) collects it many times mid-request
and promotes what is still alive, so every few dozen requests a generation-2 collection walks
the whole heap: the schema, the compiled queries, the modules, everything (≈130 ms stalls, in
the products subgraph once every ≈57 requests).

After start-up, what is alive will live as long as the process: `gc.freeze()` moves it to the
permanent generation, which no collection walks again. A larger generation-0 threshold lets a
request's garbage die by reference counting before the collector looks at it. Cycles are still
collected, just less often.
"""

from __future__ import annotations

import gc
import os

# (generation 0 allocations, generation-0 runs per generation-1 run, generation-1 runs per
# generation-2 run); overridable, e.g. PY_GC_THRESHOLDS=700,10,10 for CPython's defaults.
DEFAULT_THRESHOLDS = (20_000, 20, 20)


def thresholds_from(environ: dict[str, str] | os._Environ[str]) -> tuple[int, int, int]:
    raw = environ.get("PY_GC_THRESHOLDS", "")
    if not raw.strip():
        return DEFAULT_THRESHOLDS
    try:
        parts = [int(p) for p in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 3 or min(parts) < 1:
        raise ValueError(f"PY_GC_THRESHOLDS takes three positive integers, not {raw!r}")
    return parts[0], parts[1], parts[2]


def settle_after_startup(thresholds: tuple[int, int, int] | None = None) -> None:
    """Collect once, freeze what survived start-up, then collect by the given thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(thresholds or thresholds_from(os.environ)))
