"""KYC: submit documents, check them asynchronously, review, and upgrade approved sellers.

    submitKyc ──► files stored, submission SUBMITTED, user PENDING ──► kyc.submitted
    validator (consumer) ──► files re-read and checked ──► PENDING_REVIEW (or REJECTED)
    reviewKyc (admin) ──► APPROVED / REJECTED ──► kyc.approved / kyc.rejected
    role upgrader (consumer of kyc.approved) ──► seller role granted ──► role.granted

The seller role reaches the user's access token at the next refresh or login.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.domain.kyc import (
    MAX_DOCUMENTS,
    DocumentKind,
    SubmissionStatus,
    can_review,
    check_document,
    sniff_content_type,
)
from subgraphs.accounts.service_layer.ports import DocumentStore, KycRepository, OpenKycUnitOfWork
from subgraphs.contracts.access import SELLER, Principal
from subgraphs.contracts.accounts import KycApproved, KycRejected, KycSubmitted, KycValidated, RoleGranted
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim


class KycInProgress(Conflict):
    code = "KYC_IN_PROGRESS"


@dataclass(frozen=True)
class UploadedDocument:
    kind: DocumentKind
    data: bytes


@dataclass(frozen=True)
class Kyc:
    uow: OpenKycUnitOfWork
    store: DocumentStore
    clock: Callable[[], datetime]

    async def submit(self, actor: Principal, documents: Sequence[UploadedDocument]) -> uuid.UUID:
        errors: list[AppError] = []
        if not 1 <= len(documents) <= MAX_DOCUMENTS:
            errors.append(BadUserInput(f"Send 1 to {MAX_DOCUMENTS} documents.", field="documents"))
        checked: list[tuple[UploadedDocument, str]] = []
        for i, doc in enumerate(documents):
            try:
                checked.append((doc, check_document(doc.data, f"documents.{i}.file")))
            except AppError as exc:
                errors.append(exc)
        if errors:
            raise InputErrors(errors)
        submission_id = new_id()
        rows = []
        for doc, content_type in checked:
            document_id = new_id()
            key = f"kyc/{actor.user_id}/{submission_id}/{document_id}"
            await self.store.put(key, doc.data)
            rows.append(
                {
                    "id": document_id,
                    "submission_id": submission_id,
                    "user_id": actor.user_id,
                    "kind": doc.kind.value,
                    "content_type": content_type,
                    "size": len(doc.data),
                    "sha256": hashlib.sha256(doc.data).hexdigest(),
                    "storage_key": key,
                }
            )
        async with self.uow() as uow:
            if (open_one := await uow.repo.open_submission(actor.user_id)) is not None:
                message = (
                    "You are already verified."
                    if open_one.status == "APPROVED"
                    else "A submission is already being processed."
                )
                raise InputErrors([KycInProgress(message, field="documents")])
            await uow.repo.add_submission(submission_id, actor.user_id, rows)
            await uow.repo.set_user_kyc(actor.user_id, "PENDING")
            uow.events.append(
                KycSubmitted(user_id=actor.user_id, submission_id=submission_id, documents=len(rows))
            )
            await uow.commit()
        return submission_id

    async def validate(self, user_id: uuid.UUID, submission_id: uuid.UUID, claim: Claim) -> SubmissionStatus:
        """Consumer side: re-read every stored file and check it is what was accepted."""
        async with self.uow(claim) as uow:
            status = await self._check_files(uow.repo, user_id, submission_id)
            uow.events.append(KycValidated(user_id=user_id, submission_id=submission_id, status=status.value))
            await uow.commit()
        return status

    async def _check_files(
        self, repo: KycRepository, user_id: uuid.UUID, submission_id: uuid.UUID
    ) -> SubmissionStatus:
        submission = await repo.get_submission(submission_id, lock=True)
        if submission is None or submission.status != SubmissionStatus.SUBMITTED.value:
            return SubmissionStatus(submission.status) if submission else SubmissionStatus.REJECTED
        for doc in await repo.documents_of(user_id, submission_id):
            data = await self.store.get(doc.storage_key)
            if (
                data is None
                or hashlib.sha256(data).hexdigest() != doc.sha256
                or sniff_content_type(data[:16]) != doc.content_type
            ):
                await repo.set_status(
                    submission_id, "REJECTED", "A document could not be read back intact.", None, self.clock()
                )
                await repo.set_user_kyc(user_id, "REJECTED")
                return SubmissionStatus.REJECTED
        await repo.set_status(submission_id, SubmissionStatus.PENDING_REVIEW.value, None, None, None)
        return SubmissionStatus.PENDING_REVIEW

    async def grant_approved_seller(
        self, user_id: uuid.UUID, reviewer: uuid.UUID | None, claim: Claim
    ) -> bool:
        """Consumer of kyc.approved: grant the seller role (idempotent: granting twice changes nothing)."""
        async with self.uow(claim) as uow:
            granted = await uow.repo.grant_role(user_id, SELLER, reviewer)
            if granted:
                uow.events.append(RoleGranted(user_id=user_id, role=SELLER, reason="kyc.approved"))
            await uow.commit()
        return granted

    async def review(
        self,
        admin: Principal,
        submission_id: uuid.UUID,
        approve: bool,
        reason: str | None,
    ) -> SubmissionStatus:
        if not approve and not (reason or "").strip():
            raise InputErrors([BadUserInput("Say why the submission is rejected.", field="reason")])
        async with self.uow() as uow:
            submission = await uow.repo.get_submission(submission_id, lock=True)
            if submission is None:
                raise InputErrors([NotFound("Submission not found.", field="id")])
            if not can_review(SubmissionStatus(submission.status)):
                raise InputErrors(
                    [Conflict(f"The submission is {submission.status}, not waiting for review.", field="id")]
                )
            status = SubmissionStatus.APPROVED if approve else SubmissionStatus.REJECTED
            await uow.repo.set_status(
                submission_id, status.value, (reason or "").strip()[:500] or None, admin.user_id, self.clock()
            )
            await uow.repo.set_user_kyc(submission.user_id, status.value)
            kind = KycApproved if approve else KycRejected
            uow.events.append(
                kind(user_id=submission.user_id, submission_id=submission_id, reviewer=admin.user_id)
            )
            await uow.commit()
        return status
