"""Revoking access tokens so that no outage can bring them back.

A revocation is recorded in the use case's transaction (the truth, in PostgreSQL) and its marker
is written to Valkey *before* the commit: if Valkey cannot take it the change is refused
(SERVICE_UNAVAILABLE) and rolled back, so a sign-out never "succeeds" while its token still
works. After the commit the marker is written again, because a rebuild of the markers (after
Valkey lost them) that ran while the transaction was open could not see it.
`RestoreRevocationMarkers` is that rebuild.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.service_layer.ports import RevocationRecords, Revocations
from subgraphs.contracts.access import Revocation
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


async def revoke(
    uow: UnitOfWork[RevocationRecords], markers: Revocations, user_id: uuid.UUID, revocation: Revocation
) -> Revocation:
    """Inside the transaction, before its commit: the record, then the marker (fails closed)."""
    await uow.repo.record_revocation(user_id, revocation)
    await markers.write(revocation)
    return revocation


async def reaffirm(markers: Revocations, revocations: Sequence[Revocation]) -> None:
    """After the commit: best effort (the marker written before the commit already holds)."""
    for revocation in revocations:
        with contextlib.suppress(ServiceUnavailable):
            await markers.write(revocation)


@dataclass(frozen=True)
class RestoreRevocationMarkers:
    """Rebuilds Valkey's markers from PostgreSQL when Valkey lost them (no epoch key)."""

    uow: UnitOfWorkFactory[RevocationRecords]
    markers: Revocations
    clock: Callable[[], datetime]

    async def __call__(self) -> bool:
        """True when it rebuilt them; False when they were whole."""
        if await self.markers.has_epoch():
            return False
        async with self.uow() as uow:
            live = await uow.repo.live_revocations(self.clock())
        await self.markers.restore(live)
        return True
