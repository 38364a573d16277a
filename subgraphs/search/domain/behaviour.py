"""What shoppers do, as signals recommendations learn from.

Each kind of interest weighs what it says about intent: a purchase more than a cart add, a cart
add more than a wishlist save, that more than a look. Trending is the weighted sum of the last
24 hours (hour buckets: a sliding window at one-hour steps); a shopper's affinity is the
weighted sum of everything they did.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

TRENDING_WINDOW = timedelta(hours=24)


class Interest(enum.Enum):
    VIEW = 1
    WISHLIST = 2
    CART = 3
    ORDER = 5


@dataclass(frozen=True)
class Signal:
    product_id: uuid.UUID
    user_id: uuid.UUID | None  # None: anonymous (trending only)
    interest: Interest
    at: datetime

    @property
    def weight(self) -> int:
        return self.interest.value

    @property
    def bucket(self) -> datetime:
        return self.at.replace(minute=0, second=0, microsecond=0)


def pairs(bought: list[uuid.UUID], before: list[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Each (product, other) bought together, both ways: within `bought`, and with what the same
    checkout bought `before` (its other sellers' orders)."""
    found: set[tuple[uuid.UUID, uuid.UUID]] = set()
    mine = sorted(set(bought))
    for i, a in enumerate(mine):
        for b in mine[i + 1 :]:
            found |= {(a, b), (b, a)}
        for b in set(before) - set(mine):
            found |= {(a, b), (b, a)}
    return sorted(found)
