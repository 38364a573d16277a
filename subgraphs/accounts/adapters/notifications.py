"""The default notification sender: records messages (dev and tests read them) and logs them.

A real deployment plugs an email/SMS provider behind the same `send`. This one writes in the
consumer's own transaction, so a redelivered event records its message exactly once.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables as t
from subgraphs.platform.ids import new_id

logger = logging.getLogger("notifications")


class RecordingSender:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def send(self, user_id: uuid.UUID, recipient: str, template: str, body: str) -> None:
        await self._conn.execute(
            insert(t.sent_messages).values(
                id=new_id(),
                user_id=user_id,
                channel="email",
                recipient=recipient,
                template=template,
                body=body,
            )
        )
        logger.info("message recorded", extra={"recipient": recipient, "template": template})
