"""The platform's typed settings, read once from the environment and passed around (never globals).

These are what every subgraph process shares: where its services are, its limits, which
background work it runs. A subgraph's own settings are its own frozen dataclass, parsed from
`environment` by its declaration (`Subgraph.config`), e.g. `subgraphs/accounts/entrypoints/config.py`.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The router runs beside the subgraphs in development: loopback may forward a client address.
DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1/128"


def parse_networks(raw: str) -> tuple[Network, ...]:
    """`"10.0.0.0/8, 192.168.1.7"` -> networks; a bad entry fails at start-up, loudly."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())


def _bool(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a subgraph process needs to know about its surroundings."""

    service_name: str
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:25432/marketplace"
    redis_url: str = "redis://127.0.0.1:26379/0"
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # JWT verification: a JWKS document from a URL or a file; tokens are minted by accounts.
    jwt_jwks_url: str = ""
    jwt_jwks_file: str = ""
    jwt_issuer: str = "marketplace-accounts"
    jwt_audience: str = "marketplace"
    # GraphQL limits, per operation.
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_query_aliases: int = 30
    max_request_bytes: int = 256 * 1024
    # Multipart (file upload) requests, on subgraphs that accept uploads.
    max_upload_bytes: int = 26 * 1024 * 1024
    max_page_size: int = 100
    max_entity_representations: int = 500
    # Any string argument, at any depth (subgraphs/platform/graphql/input_guard.py).
    max_string_length: int = 10_000
    graphiql: bool = True
    # Who may tell us a client's address in x-forwarded-for (subgraphs/platform/web/client_ip.py).
    trusted_proxies: tuple[Network, ...] = field(
        default_factory=lambda: parse_networks(DEFAULT_TRUSTED_PROXIES)
    )
    # Background work started in the app lifespan (production runs them as separate processes).
    run_outbox_relay: bool = True
    run_consumers: bool = True
    response_cache: bool = True
    response_cache_ttl_seconds: int = 300
    log_level: str = "INFO"
    # The environment these were read from: the subgraph parses its own settings out of it.
    environment: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, service_name: str, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return e.get(name, default)

        d = cls(service_name=service_name)
        return cls(
            service_name=service_name,
            database_url=get("DATABASE_URL", d.database_url),
            redis_url=get("REDIS_URL", d.redis_url),
            kafka_bootstrap_servers=get("KAFKA_BOOTSTRAP_SERVERS", d.kafka_bootstrap_servers),
            db_pool_size=int(get("DB_POOL_SIZE", str(d.db_pool_size))),
            db_max_overflow=int(get("DB_MAX_OVERFLOW", str(d.db_max_overflow))),
            jwt_jwks_url=get("JWT_JWKS_URL", d.jwt_jwks_url),
            jwt_jwks_file=get("JWT_JWKS_FILE", d.jwt_jwks_file),
            jwt_issuer=get("JWT_ISSUER", d.jwt_issuer),
            jwt_audience=get("JWT_AUDIENCE", d.jwt_audience),
            max_query_depth=int(get("MAX_QUERY_DEPTH", str(d.max_query_depth))),
            max_query_tokens=int(get("MAX_QUERY_TOKENS", str(d.max_query_tokens))),
            max_query_aliases=int(get("MAX_QUERY_ALIASES", str(d.max_query_aliases))),
            max_request_bytes=int(get("MAX_REQUEST_BYTES", str(d.max_request_bytes))),
            max_upload_bytes=int(get("MAX_UPLOAD_BYTES", str(d.max_upload_bytes))),
            max_entity_representations=int(
                get("MAX_ENTITY_REPRESENTATIONS", str(d.max_entity_representations))
            ),
            max_string_length=int(get("MAX_STRING_LENGTH", str(d.max_string_length))),
            graphiql=_bool(get("GRAPHIQL", "1")),
            trusted_proxies=parse_networks(get("TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES)),
            run_outbox_relay=_bool(get("RUN_OUTBOX_RELAY", "1")),
            run_consumers=_bool(get("RUN_CONSUMERS", "1")),
            response_cache=_bool(get("RESPONSE_CACHE", "1")),
            response_cache_ttl_seconds=int(
                get("RESPONSE_CACHE_TTL_SECONDS", str(d.response_cache_ttl_seconds))
            ),
            log_level=get("LOG_LEVEL", d.log_level),
            environment=dict(e),
        )

    @property
    def asyncpg_dsn(self) -> str:
        """The same database URL without SQLAlchemy's driver suffix (for LISTEN and COPY)."""
        return self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
