"""Errors a use case reports together (a bulk input may have several bad rows)."""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.platform.kernel.errors import AppError


class InputErrors(Exception):
    """Raised before anything is written; the mutation maps each entry to a userError."""

    def __init__(self, errors: Sequence[AppError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


def prefixed(error: AppError, prefix: str) -> AppError:
    error.field = f"{prefix}.{error.field}" if error.field else prefix
    return error
