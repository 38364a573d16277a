"""Identity events and their topic."""

from __future__ import annotations

ACCOUNTS_TOPIC = "accounts.user.v1"
USER_REGISTERED = "user.registered"
USER_LOGGED_IN = "user.logged_in"
REFRESH_TOKEN_REUSED = "user.refresh_token_reused"
DEVICE_LOGGED_OUT = "user.device_logged_out"
DEVICE_REVOKED = "user.device_revoked"
SESSION_REVOKED = "user.session_revoked"
SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere"
PROFILE_UPDATED = "user.profile_updated"
PASSWORD_RESET_REQUESTED = "user.password_reset_requested"
PASSWORD_RESET = "user.password_reset"
