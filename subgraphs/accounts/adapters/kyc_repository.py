"""KYC rows: submissions, their documents, and the seller role they lead to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables as t


class SqlKycRepository:
    """Mixed into the accounts store (`unit_of_work.py`), which owns the connection."""

    conn: AsyncConnection

    async def open_submission(self, user_id: uuid.UUID) -> Any | None:
        """The latest submission that is still in progress or approved (blocks a new one)."""
        k = t.kyc_submissions
        query = (
            select(k)
            .where(k.c.user_id == user_id, k.c.status.in_(["SUBMITTED", "PENDING_REVIEW", "APPROVED"]))
            .order_by(k.c.id.desc())
            .limit(1)
        )
        return (await self.conn.execute(query)).first()

    async def latest_submission(self, user_id: uuid.UUID) -> Any | None:
        k = t.kyc_submissions
        return (
            await self.conn.execute(select(k).where(k.c.user_id == user_id).order_by(k.c.id.desc()).limit(1))
        ).first()

    async def add_submission(
        self, submission_id: uuid.UUID, user_id: uuid.UUID, documents: list[dict[str, Any]]
    ) -> None:
        await self.conn.execute(
            insert(t.kyc_submissions).values(id=submission_id, user_id=user_id, status="SUBMITTED")
        )
        await self.conn.execute(insert(t.kyc_documents), documents)

    async def get_submission(self, submission_id: uuid.UUID, *, lock: bool = False) -> Any | None:
        query = select(t.kyc_submissions).where(t.kyc_submissions.c.id == submission_id)
        return (await self.conn.execute(query.with_for_update() if lock else query)).first()

    async def documents_of(self, user_id: uuid.UUID, submission_id: uuid.UUID) -> list[Any]:
        d = t.kyc_documents
        query = select(d).where(d.c.user_id == user_id, d.c.submission_id == submission_id).order_by(d.c.id)
        return list((await self.conn.execute(query)).all())

    async def set_status(
        self,
        submission_id: uuid.UUID,
        status: str,
        reason: str | None,
        reviewer: uuid.UUID | None,
        at: datetime | None,
    ) -> None:
        k = t.kyc_submissions
        await self.conn.execute(
            update(k)
            .where(k.c.id == submission_id)
            .values(status=status, reason=reason, reviewed_by=reviewer, reviewed_at=at)
        )

    async def set_user_kyc(self, user_id: uuid.UUID, status: str) -> None:
        await self.conn.execute(update(t.users).where(t.users.c.id == user_id).values(kyc_status=status))

    async def grant_role(self, user_id: uuid.UUID, role: str, by: uuid.UUID | None) -> bool:
        """True when the role is new for the user (granting twice changes nothing)."""
        granted = await self.conn.scalar(
            insert(t.user_roles)
            .values(user_id=user_id, role=role, granted_by=by)
            .on_conflict_do_nothing()
            .returning(t.user_roles.c.role)
        )
        return granted is not None
