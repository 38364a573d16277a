"""KYC over GraphQL: upload documents (multipart), follow the status, and (admins) review."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.file_uploads import Upload

from subgraphs.accounts.domain.kyc import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS
from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.enums import DocumentKind, KycStatus, SubmissionStatus
from subgraphs.accounts.graphql.loaders import KycDocumentsBySubmissionLoader, UserByIdLoader
from subgraphs.accounts.service_layer import read_models as rm
from subgraphs.accounts.service_layer.kyc import UploadedDocument
from subgraphs.contracts.access import ADMIN
from subgraphs.platform.graphql.arguments import page_args
from subgraphs.platform.graphql.cost import PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.results import InputErrors


@strawberry.enum
class KycDecision(enum.Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class KycDocument:
    id: strawberry.ID
    kind: DocumentKind
    content_type: str
    size: int


@strawberry.type
class KycSubmission:
    id: strawberry.ID
    user_id: strawberry.ID
    status: SubmissionStatus
    reason: str | None
    submitted_at: datetime
    reviewed_at: datetime | None

    @classmethod
    def from_row(cls, r: rm.KycSubmissionRecord) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            user_id=strawberry.ID(str(r.user_id)),
            status=SubmissionStatus(r.status),
            reason=r.reason,
            submitted_at=r.submitted_at,
            reviewed_at=r.reviewed_at,
        )

    @strawberry.field(directives=[expected_size(MAX_DOCUMENTS)])
    async def documents(self, info: Info) -> list[KycDocument]:
        key = (uuid.UUID(self.user_id), uuid.UUID(self.id))
        rows = await KycDocumentsBySubmissionLoader.of(info.context).load(key)
        return [
            KycDocument(
                id=strawberry.ID(str(r.id)),
                kind=DocumentKind(r.kind),
                content_type=r.content_type,
                size=r.size,
            )
            for r in rows
        ]


@strawberry.type
class KycStatusResult:
    status: KycStatus
    latest_submission: KycSubmission | None


@strawberry.input
class KycDocumentInput:
    kind: DocumentKind
    file: Upload


@strawberry.input
class KycSubmissionFilter:
    status: SubmissionStatus | None = None
    submitted_after: datetime | None = None
    submitted_before: datetime | None = None


@strawberry.type
class KycPayload:
    submission: KycSubmission | None
    user_errors: list[UserError]


async def _submission(info: Info, submission_id: uuid.UUID) -> KycSubmission | None:
    row = await info.context.services.reads.kyc_submission(submission_id)
    return KycSubmission.from_row(row) if row else None


async def _read(upload: Any, field: str) -> bytes:
    # Read one byte past the cap: a larger file is refused without reading it all.
    data: bytes = await upload.read(MAX_DOCUMENT_BYTES + 1)
    if not isinstance(data, bytes):
        raise InputErrors([BadUserInput("Expected a file.", field=field)])
    return data


@strawberry.type
class KycQuery:
    @strawberry.federation.field(
        authenticated=True, description="Your KYC status; admins may ask for anyone's."
    )
    async def kyc_status(self, info: Info, user_id: strawberry.ID | None = None) -> KycStatusResult | None:
        principal = info.context.require_principal()
        target = parse_id(user_id) if user_id is not None else principal.user_id
        if target is None or not (principal.is_admin or target == principal.user_id):
            return None
        user = await UserByIdLoader.of(info.context).load(target)
        if user is None:
            return None
        latest = await info.context.services.reads.latest_kyc_submission(target)
        return KycStatusResult(
            status=user.kyc_status,
            latest_submission=KycSubmission.from_row(latest) if latest else None,
        )

    @strawberry.federation.field(
        authenticated=True, description="Admins only: submissions by status and date.", directives=[PAGINATED]
    )
    async def kyc_submissions(
        self,
        info: Info,
        filter: KycSubmissionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[KycSubmission]:
        info.context.require_role(ADMIN)
        f = filter or KycSubmissionFilter()
        query = rm.KycQuery(
            status=f.status.value if f.status is not None else None,
            submitted_after=f.submitted_after,
            submitted_before=f.submitted_before,
        )
        rows = await info.context.services.reads.kyc_submission_page(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(rows, KycSubmission.from_row)


@strawberry.type
class KycMutation:
    @strawberry.federation.mutation(
        authenticated=True, description="Upload identity documents (PDF, JPEG or PNG, 5 MB each)."
    )
    async def submit_kyc(self, info: Info, documents: list[KycDocumentInput]) -> KycPayload:
        actor = info.context.require_principal()

        async def submit() -> uuid.UUID:
            uploaded = [
                UploadedDocument(d.kind, await _read(d.file, f"documents.{i}.file"))
                for i, d in enumerate(documents)
            ]
            return await info.context.services.kyc.submit(actor, uploaded)

        submission_id, errors = await user_errors(submit())
        if submission_id is None:
            return KycPayload(submission=None, user_errors=errors)
        return KycPayload(submission=await _submission(info, submission_id), user_errors=[])

    @strawberry.federation.mutation(
        authenticated=True, description="Admins only. A rejection needs a reason."
    )
    async def review_kyc(
        self, info: Info, id: strawberry.ID, decision: KycDecision, reason: str | None = None
    ) -> KycPayload:
        admin = info.context.require_role(ADMIN)
        submission_id = parse_id(id) or uuid.UUID(int=0)
        done, errors = await user_errors(
            info.context.services.kyc.review(admin, submission_id, decision is KycDecision.APPROVE, reason)
        )
        if done is None:
            return KycPayload(submission=None, user_errors=errors)
        return KycPayload(submission=await _submission(info, submission_id), user_errors=[])
