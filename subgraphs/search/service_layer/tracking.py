"""What clients report: a product page seen, recommendations shown and clicked.

Each report is an event in the outbox (one small insert; no table of ours is touched on the
request path); consumers turn views into signals and persist the log in batches. Reports about
products the index does not know are dropped there.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.contracts.search import ProductViewed, RecommendationClicked, RecommendationShown
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory

MAX_REPORTS = 50


class Reaction(enum.Enum):
    SHOWN = "SHOWN"
    CLICKED = "CLICKED"


@dataclass(frozen=True)
class Report:
    reaction: Reaction
    product_id: uuid.UUID
    placement: str
    served_id: uuid.UUID
    rule_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Tracking:
    uow: UnitOfWorkFactory[Any]
    clock: Callable[[], datetime]

    async def viewed(self, product_id: uuid.UUID, user_id: uuid.UUID | None) -> None:
        async with self.uow() as uow:
            uow.events.append(ProductViewed(product_id=product_id, user_id=user_id, at=self.clock()))
            await uow.commit()

    async def reported(self, reports: Sequence[Report], user_id: uuid.UUID | None) -> int:
        if not 1 <= len(reports) <= MAX_REPORTS:
            raise BadUserInput(f"Between 1 and {MAX_REPORTS} reports at a time.", field="events")
        now = self.clock()
        async with self.uow() as uow:
            for r in reports:
                kind = RecommendationShown if r.reaction is Reaction.SHOWN else RecommendationClicked
                uow.events.append(
                    kind(
                        log_id=new_id(),
                        product_id=r.product_id,
                        user_id=user_id,
                        placement=r.placement,
                        served_id=r.served_id,
                        rule_id=r.rule_id,
                        at=now,
                    )
                )
            await uow.commit()
        return len(reports)
