"""Cart and wishlist error codes on top of the platform's error tree."""

from __future__ import annotations

from subgraphs.platform.kernel.errors import BadUserInput, Conflict, NotFound


class InvalidQuantity(BadUserInput):
    code = "INVALID_QUANTITY"


class VariantUnavailable(NotFound):
    """Unknown, deleted or unlisted variant (indistinguishable on purpose)."""

    code = "VARIANT_UNAVAILABLE"


class InsufficientStock(BadUserInput):
    code = "INSUFFICIENT_STOCK"


class CurrencyMismatch(BadUserInput):
    code = "CURRENCY_MISMATCH"


class CartFull(BadUserInput):
    code = "CART_FULL"


class StaleCartVersion(Conflict):
    """The cart changed since the client read it; `currentVersion` says what it is now."""

    code = "STALE_CART_VERSION"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"


class InvalidCartToken(BadUserInput):
    code = "INVALID_CART_TOKEN"
