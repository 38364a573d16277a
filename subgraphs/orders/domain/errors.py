"""The orders subgraph's error codes, on the kernel's error tree (userErrors for mutations)."""

from __future__ import annotations

from subgraphs.platform.kernel.errors import BadUserInput, Conflict, NotFound


class CartEmpty(BadUserInput):
    code = "CART_EMPTY"


class StaleCartVersion(Conflict):
    code = "STALE_CART_VERSION"


class PriceChanged(Conflict):
    code = "PRICE_CHANGED"


class CurrencyMismatch(BadUserInput):
    code = "CURRENCY_MISMATCH"


class VariantUnavailable(BadUserInput):
    code = "VARIANT_UNAVAILABLE"


class OutOfStock(Conflict):
    code = "OUT_OF_STOCK"


class PaymentDeclined(BadUserInput):
    code = "PAYMENT_DECLINED"


class PaymentTimedOut(Conflict):
    code = "PAYMENT_TIMEOUT"


class CheckoutInProgress(Conflict):
    code = "CHECKOUT_IN_PROGRESS"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"


class AddressNotFound(NotFound):
    code = "ADDRESS_NOT_FOUND"


class AlreadyShipped(Conflict):
    code = "ALREADY_SHIPPED"


class NotShippable(Conflict):
    code = "ORDER_NOT_SHIPPABLE"


class UnknownCarrierService(BadUserInput):
    code = "UNKNOWN_CARRIER_SERVICE"


class ReturnWindowClosed(Conflict):
    code = "RETURN_WINDOW_CLOSED"


class OverPayout(Conflict):
    code = "INSUFFICIENT_BALANCE"
