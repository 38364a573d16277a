"""Sortable identifiers: UUIDv7 keeps inserts append-only in b-trees and distributes well."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import uuid_utils


def new_id() -> uuid.UUID:
    """A new UUIDv7 as a standard-library UUID (time-ordered, no coordination)."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def parse_id(raw: str) -> uuid.UUID | None:
    """Parse a client-supplied id; None when it is not a UUID (treated as not found)."""
    try:
        return uuid.UUID(raw)
    except (ValueError, AttributeError, TypeError):
        return None


def created_at(value: uuid.UUID) -> datetime:
    """When a UUIDv7 was made (its first 48 bits are Unix milliseconds)."""
    return datetime.fromtimestamp((value.int >> 80) / 1000, tz=UTC)
