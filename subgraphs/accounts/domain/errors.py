"""Identity error codes on top of the platform's error tree."""

from __future__ import annotations

from subgraphs.platform.errors import AppError, Conflict, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "INVALID_CREDENTIALS"


class InvalidRefreshToken(Unauthenticated):
    code = "INVALID_REFRESH_TOKEN"


class RefreshTokenReused(Unauthenticated):
    code = "REFRESH_TOKEN_REUSED"


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class LoginThrottled(AppError):
    code = "LOGIN_THROTTLED"
