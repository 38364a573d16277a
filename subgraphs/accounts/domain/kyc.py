"""KYC rules: which documents are accepted and how a submission moves through review."""

from __future__ import annotations

import enum

from subgraphs.platform.kernel.errors import BadUserInput

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 5

# Types are decided by the file's first bytes, never by the client's name or content type.
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class DocumentKind(enum.Enum):
    ID_FRONT = "ID_FRONT"
    ID_BACK = "ID_BACK"
    SELFIE = "SELFIE"
    BUSINESS_LICENSE = "BUSINESS_LICENSE"
    PROOF_OF_ADDRESS = "PROOF_OF_ADDRESS"


class SubmissionStatus(enum.Enum):
    SUBMITTED = "SUBMITTED"  # files stored, automatic checks pending
    PENDING_REVIEW = "PENDING_REVIEW"  # checks passed, waiting for an admin
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def check_document(data: bytes, field: str) -> str:
    """The content type of an acceptable document, or a BadUserInput saying why not."""
    if not data:
        raise BadUserInput("The file is empty.", field=field)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadUserInput(
            f"Each file must be at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.", field=field
        )
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise BadUserInput("Only PDF, JPEG and PNG files are accepted.", field=field)
    return content_type


def can_review(status: SubmissionStatus) -> bool:
    return status is SubmissionStatus.PENDING_REVIEW
