"""A user's address book: saved postal addresses, at most one default shipping address.

The first address saved becomes the default; deleting the default makes the newest remaining
address the default, so a book with addresses always has one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.contracts.addresses import Address

MAX_ADDRESSES = 20
LABEL_MAX = 40


@dataclass(slots=True)
class SavedAddress:
    id: uuid.UUID
    user_id: uuid.UUID
    address: Address
    label: str | None
    is_default: bool
    created_at: datetime
    updated_at: datetime
