"""Column helpers every subgraph's tables share."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, func


def timestamps() -> list[Column[object]]:
    """`created_at` and `updated_at`, UTC, set by the database."""
    return [
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]
