"""Names under which the entrypoint puts long-lived services in the context (`ctx.services`)."""

from __future__ import annotations

UOW = "accounts_uow"
IDENTITY = "identity"
DEVICES = "devices"
PASSWORD_RESETS = "password_resets"
KYC = "kyc"
KYC_UOW = "kyc_uow"
ACCESS = "access"
ACCESS_UOW = "access_uow"
ACTIVITY = "activity"
PROFILES = "profiles"
SESSIONS = "sessions"
