"""UTC time in one place, so tests can reason about it and nothing uses naive datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
