"""The accounts subgraph's own settings (the platform's are in `platform.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from subgraphs.platform.kernel import env


@dataclass(frozen=True)
class AccountsConfig:
    # An EC P-256 private key in PEM: access tokens are signed with it (ES256).
    signing_key_file: Path | None = None
    signing_kid: str = "dev-1"
    # argon2id; the OWASP parameters by default (tests lower them to stay fast).
    argon2_memory_kib: int = 19_456
    argon2_time_cost: int = 2
    # The page the password-reset link opens (the token is appended).
    reset_url: str = "http://localhost:3000/reset-password"
    # Filesystem storage of KYC documents for local runs; production plugs object storage in.
    kyc_storage_dir: Path = Path(".data/kyc")

    @classmethod
    def from_env(cls, environment: Mapping[str, str]) -> AccountsConfig:
        key = env.text(environment, "ACCOUNTS_SIGNING_KEY_FILE", "")
        return cls(
            signing_key_file=Path(key) if key else None,
            signing_kid=env.text(environment, "ACCOUNTS_SIGNING_KID", cls.signing_kid),
            argon2_memory_kib=env.integer(environment, "ACCOUNTS_ARGON2_MEMORY_KIB", cls.argon2_memory_kib),
            argon2_time_cost=env.integer(environment, "ACCOUNTS_ARGON2_TIME_COST", cls.argon2_time_cost),
            reset_url=env.text(environment, "ACCOUNTS_RESET_URL", cls.reset_url),
            kyc_storage_dir=Path(env.text(environment, "ACCOUNTS_KYC_STORAGE_DIR", str(cls.kyc_storage_dir))),
        )
