"""The domain's enums, exposed in the schema as they are (no mirror copies to keep in step)."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.domain.kyc import DocumentKind, SubmissionStatus
from subgraphs.accounts.domain.model import AccountKind, DeviceType, KycStatus
from subgraphs.accounts.service_layer.password_reset import ResetTokenStatus
from subgraphs.accounts.service_layer.read_models import UserSort

strawberry.enum(KycStatus)
strawberry.enum(AccountKind)
strawberry.enum(DeviceType)
strawberry.enum(DocumentKind, name="KycDocumentKind")
strawberry.enum(SubmissionStatus, name="KycSubmissionStatus")
strawberry.enum(ResetTokenStatus)
strawberry.enum(UserSort, name="UserSortField")

__all__ = [
    "AccountKind",
    "DeviceType",
    "DocumentKind",
    "KycStatus",
    "ResetTokenStatus",
    "SubmissionStatus",
    "UserSort",
]
