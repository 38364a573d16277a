"""The accounts subgraph ASGI app (`uvicorn --factory subgraphs.accounts.entrypoints.asgi:create`).

Besides GraphQL it serves the JWKS at `/.well-known/jwks.json`: the router and every
subgraph verify access tokens with these public keys.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.document_store import FilesystemDocumentStore
from subgraphs.accounts.adapters.kyc_repository import SqlKycRepository
from subgraphs.accounts.adapters.notifications import RecordingSender
from subgraphs.accounts.adapters.passwords import Argon2Hasher
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.adapters.session_index import RedisSessionIndex
from subgraphs.accounts.adapters.signer import EcSigner
from subgraphs.accounts.adapters.throttle import LoginThrottle
from subgraphs.accounts.adapters.unit_of_work import AccessUnitOfWork, AccountsUnitOfWork, KycUnitOfWork
from subgraphs.accounts.domain import events as ev
from subgraphs.accounts.graphql.schema import build_schema
from subgraphs.accounts.graphql.wiring import (
    ACCESS,
    ACCESS_UOW,
    ACTIVITY,
    DEVICES,
    IDENTITY,
    KYC,
    KYC_UOW,
    PASSWORD_RESETS,
    PROFILES,
    SESSIONS,
    UOW,
)
from subgraphs.accounts.service_layer.access import Access
from subgraphs.accounts.service_layer.devices import Devices
from subgraphs.accounts.service_layer.identity import Identity
from subgraphs.accounts.service_layer.kyc import Kyc, upgrade_approved_seller
from subgraphs.accounts.service_layer.password_reset import PasswordResets
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.platform.app import Resources, SubgraphSpec, create_app
from subgraphs.platform.clock import utcnow
from subgraphs.platform.events import Event
from subgraphs.platform.kafka import IdempotentConsumer
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.outbox import write_events
from subgraphs.platform.retention import bookkeeping_retention
from subgraphs.platform.settings import Settings
from subgraphs.platform.workers import consumer, run_outbox_relay

MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"
SIGNER = "signer"


def signer_from_env(settings: Settings) -> EcSigner:
    key_file = settings.extra.get("SIGNING_KEY_FILE", "")
    if not key_file:
        raise RuntimeError("ACCOUNTS_SIGNING_KEY_FILE is not set (an EC P-256 private key in PEM)")
    kid = settings.extra.get("SIGNING_KID", "dev-1")
    return EcSigner.from_pem_file(Path(key_file), kid, settings.jwt_issuer, settings.jwt_audience)


def services(resources: Resources) -> dict[str, Any]:
    signer = signer_from_env(resources.settings)
    extra = resources.settings.extra
    hasher = Argon2Hasher(
        memory_kib=int(extra.get("ARGON2_MEMORY_KIB", "19456")),
        time_cost=int(extra.get("ARGON2_TIME_COST", "2")),
    )
    sessions = RedisSessionIndex(resources.redis, partial(_active_sessions, resources))
    identity = Identity(
        hasher=hasher,
        signer=signer,
        revocations=resources.revocations,
        throttle=LoginThrottle(resources.redis),
        clock=utcnow,
        sessions=sessions,
    )
    revocations = resources.revocations
    devices = Devices(revocations=revocations, clock=utcnow, sessions=sessions)
    reset_url = extra.get("RESET_URL", "http://localhost:3000/reset-password")
    resets = PasswordResets(
        hasher=hasher, revocations=revocations, clock=utcnow, reset_url=reset_url, sessions=sessions
    )
    profiles = ProfileCache(resources.redis)
    # Filesystem storage for local runs; production plugs object storage behind the same port.
    store = FilesystemDocumentStore(Path(extra.get("KYC_STORAGE_DIR", ".data/kyc")))
    return {
        SIGNER: signer,
        IDENTITY: identity,
        DEVICES: devices,
        PASSWORD_RESETS: resets,
        KYC: Kyc(store=store, clock=utcnow),
        UOW: partial(AccountsUnitOfWork, after_commit=profiles.forget_changed, role_cache=profiles),
        KYC_UOW: partial(KycUnitOfWork, after_commit=profiles.forget_changed),
        ACCESS: Access(revocations=revocations, clock=utcnow),
        ACCESS_UOW: partial(AccessUnitOfWork, after_commit=profiles.forget_changed),
        PROFILES: profiles,
        ACTIVITY: resources.activity,
        SESSIONS: sessions,
    }


async def _active_sessions(resources: Resources, user_id: uuid.UUID) -> list[ActiveSession]:
    async with resources.engine.connect() as conn:
        return await SqlAccountsRepository(conn).active_sessions(user_id)


async def jwks(request: Request) -> Response:
    signer: EcSigner = request.state.resources.services[SIGNER]
    return JSONResponse(signer.jwks(), headers={"cache-control": "public, max-age=300"})


def reset_mailer(resources: Resources) -> IdempotentConsumer:
    """Turns reset requests into tokens and messages, for real accounts only."""

    async def on_event(conn: AsyncConnection, event: Event) -> None:
        if event.type != ev.PASSWORD_RESET_REQUESTED:
            return
        resets: PasswordResets = resources.services[PASSWORD_RESETS]
        await resets.issue(SqlAccountsRepository(conn), RecordingSender(conn), str(event.data["email"]))

    return consumer(
        resources, "accounts-password-reset-mailer", [ev.ACCOUNTS_TOPIC], tables.processed_events, on_event
    )


def kyc_pipeline(resources: Resources) -> IdempotentConsumer:
    """Checks submitted documents, and grants the seller role when a submission is approved."""

    async def on_event(conn: AsyncConnection, event: Event) -> None:
        kyc: Kyc = resources.services[KYC]
        repo = SqlKycRepository(conn)
        user_id = uuid.UUID(str(event.data["userId"])) if "userId" in event.data else None
        if event.type == ev.KYC_SUBMITTED and user_id is not None:
            submission_id = uuid.UUID(str(event.data["submissionId"]))
            status = await kyc.validate(repo, user_id, submission_id)
            follow = Event(
                ev.KYC_VALIDATED,
                "user",
                user_id,
                {"userId": str(user_id), "submissionId": str(submission_id), "status": status.value},
            )
            await write_events(conn, tables.outbox, [follow], lambda _e: ev.ACCOUNTS_TOPIC)
        elif event.type == ev.KYC_APPROVED and user_id is not None:
            reviewer = event.data.get("reviewer")
            if await upgrade_approved_seller(repo, user_id, uuid.UUID(str(reviewer)) if reviewer else None):
                granted = Event(
                    ev.ROLE_GRANTED,
                    "user",
                    user_id,
                    {"userId": str(user_id), "role": "seller", "reason": "kyc.approved"},
                )
                await write_events(conn, tables.outbox, [granted], lambda _e: ev.ACCOUNTS_TOPIC)

    async def forget_user(event: Event) -> None:
        # KYC status and roles changed: the cached profile and role set are stale.
        if "userId" in event.data:
            await resources.services[PROFILES].forget([uuid.UUID(str(event.data["userId"]))])

    return consumer(
        resources,
        "accounts-kyc-pipeline",
        [ev.ACCOUNTS_TOPIC],
        tables.processed_events,
        on_event,
        forget_user,
    )


def workers(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    tasks: list[Coroutine[Any, Any, None]] = []
    if resources.settings.run_outbox_relay:
        tasks.append(run_outbox_relay(resources, stop, tables.outbox))
        tasks += bookkeeping_retention(resources.engine, stop, tables.outbox, tables.processed_events)
    if resources.settings.run_consumers:
        tasks.append(reset_mailer(resources).run(stop))
        tasks.append(kyc_pipeline(resources).run(stop))
    return tasks


def spec(settings: Settings) -> SubgraphSpec:
    return SubgraphSpec(
        name="accounts",
        schema=build_schema(settings),
        db_schema=tables.SCHEMA,
        migrations=MIGRATIONS,
        workers=workers,
        services=services,
        routes=[Route("/.well-known/jwks.json", jwks)],
        uploads=True,
    )


def create(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env("accounts")
    configure_logging("accounts", settings.log_level)
    return create_app(spec(settings), settings)
