"""Money as integer minor units plus an ISO 4217 currency code; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from subgraphs.platform.kernel.errors import BadUserInput

# GraphQL Int is 32-bit; prices stay well inside it (≈ 10 million in a 2-decimal currency).
MAX_AMOUNT = 1_000_000_000
# Currencies whose minor unit is not 1/100 (ISO 4217 exponents).
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def validate_currency(currency: str, field: str = "currency") -> str:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise BadUserInput("Currency must be a 3-letter ISO 4217 code.", field=field)
    return currency


def validate_amount(amount: int, field: str = "price") -> int:
    if amount < 0:
        raise BadUserInput("Price must not be negative.", field=field)
    if amount > MAX_AMOUNT:
        raise BadUserInput(f"Price must be at most {MAX_AMOUNT} minor units.", field=field)
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-exponent(self.currency))
