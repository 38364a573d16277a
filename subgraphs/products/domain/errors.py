"""Catalogue-specific error codes, on top of the platform's error tree."""

from __future__ import annotations

from subgraphs.platform.kernel.errors import BadUserInput, Conflict


class InsufficientStock(BadUserInput):
    code = "INSUFFICIENT_STOCK"


class DuplicateSku(Conflict):
    code = "DUPLICATE_SKU"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
