"""The collector settles after start-up: the start-up heap frozen, the young generation larger."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from subgraphs.platform.gc_tuning import DEFAULT_THRESHOLDS, settle_after_startup, thresholds_from


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_the_start_up_heap_is_frozen_and_the_thresholds_raised(restored_gc: None) -> None:
    gc.unfreeze()
    kept = [[n] for n in range(1000)]  # alive at start-up: frozen with the rest
    settle_after_startup((12_345, 6, 7))
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == (12_345, 6, 7)


def test_thresholds_come_from_the_environment_or_the_defaults() -> None:
    assert thresholds_from({}) == DEFAULT_THRESHOLDS
    assert thresholds_from({"PY_GC_THRESHOLDS": "700,10,10"}) == (700, 10, 10)
    for bad in ("1,2", "0,1,1", "a,b,c"):
        with pytest.raises(ValueError, match="PY_GC_THRESHOLDS"):
            thresholds_from({"PY_GC_THRESHOLDS": bad})
