"""Persisting the recommendation log in batches (what the log worker does with each batch).

A batch is one transaction: the entries not stored before, and the rules' shown/clicked counts
for those only, so a batch delivered twice counts once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory
from subgraphs.search.service_layer.discovery_ports import DiscoveryWriter, LogEntry, RuleStats


@dataclass(frozen=True)
class LogBatches:
    uow: UnitOfWorkFactory[DiscoveryWriter]

    async def persist(self, entries: Sequence[LogEntry]) -> int:
        if not entries:
            return 0
        async with self.uow() as uow:
            stored = await uow.repo.insert_logs(entries)
            counts: dict[uuid.UUID, RuleStats] = {}
            for e in stored:
                if e.rule_id is None:
                    continue
                was = counts.get(e.rule_id, RuleStats())
                counts[e.rule_id] = RuleStats(
                    shown=was.shown + (e.kind == "SHOWN"), clicked=was.clicked + (e.kind == "CLICKED")
                )
            await uow.repo.add_rule_stats(counts)
            await uow.commit()
        return len(stored)
