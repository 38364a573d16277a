"""A postal address, as the accounts address book keeps it and an order ships to it.

One shape and one set of rules on both sides of the wire: accounts validates what a user
saves, orders validates an address typed at checkout and keeps a copy with each order (so a
later edit of the address book never changes where an order went).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.results import InputErrors

COUNTRY = re.compile(r"[A-Z]{2}")
LIMITS = {"name": 120, "line1": 200, "line2": 200, "city": 100, "region": 100, "postal_code": 20, "phone": 32}
REQUIRED = ("name", "line1", "city", "postal_code", "country")


class InvalidAddress(BadUserInput):
    code = "INVALID_ADDRESS"


@dataclass(frozen=True, slots=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    line2: str | None = None
    region: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Address:
        return cls(
            name=data["name"],
            line1=data["line1"],
            city=data["city"],
            postal_code=data["postal_code"],
            country=data["country"],
            line2=data.get("line2"),
            region=data.get("region"),
            phone=data.get("phone"),
        )


def checked_address(raw: dict[str, str | None], prefix: str) -> Address:
    """The address with surrounding blanks trimmed, or every problem with it at once."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    problems = [
        InvalidAddress(f"`{name}` is required.", field=f"{prefix}.{_camel(name)}")
        for name in REQUIRED
        if not cleaned.get(name)
    ]
    problems += [
        InvalidAddress(f"`{_camel(name)}` has at most {limit} characters.", field=f"{prefix}.{_camel(name)}")
        for name, limit in LIMITS.items()
        if len(cleaned.get(name) or "") > limit
    ]
    country = (cleaned.get("country") or "").upper()
    if cleaned.get("country") and not COUNTRY.fullmatch(country):
        problems.append(InvalidAddress("`country` is a two-letter ISO code.", field=f"{prefix}.country"))
    if problems:
        raise InputErrors(problems)
    return Address(
        name=str(cleaned["name"]),
        line1=str(cleaned["line1"]),
        city=str(cleaned["city"]),
        postal_code=str(cleaned["postal_code"]),
        country=country,
        line2=cleaned.get("line2") or None,
        region=cleaned.get("region") or None,
        phone=cleaned.get("phone") or None,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)
