"""The accounts subgraph's composition root: its use cases and read models, wired once per process.

resolvers and consumers    receive the `AccountsServices` built here
a new use case             a method on one of the service-layer classes, or a new class: a field
                           in AccountsServices and a line here
a new read                 the AccountsReads port and adapters/account_reads.py
"""

from __future__ import annotations

import uuid

from subgraphs.accounts.adapters.account_reads import SqlAccountsReads
from subgraphs.accounts.adapters.address_reads import SqlAddressReads
from subgraphs.accounts.adapters.passwords import Argon2Hasher
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.adapters.session_index import RedisSessionIndex
from subgraphs.accounts.adapters.signer import EcSigner
from subgraphs.accounts.adapters.throttle import LoginThrottle
from subgraphs.accounts.adapters.unit_of_work import accounts_unit_of_work
from subgraphs.accounts.entrypoints.config import AccountsConfig
from subgraphs.accounts.service_layer.access import Access
from subgraphs.accounts.service_layer.address_book import AddressBook
from subgraphs.accounts.service_layer.devices import Devices
from subgraphs.accounts.service_layer.identity import Identity
from subgraphs.accounts.service_layer.kyc import Kyc
from subgraphs.accounts.service_layer.password_reset import PasswordResets
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.accounts.service_layer.profiles import Profiles
from subgraphs.accounts.service_layer.revoking import RestoreRevocationMarkers
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.files import FilesystemBlobStore
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.subgraph import Infrastructure


def signer(infra: Infrastructure, config: AccountsConfig) -> EcSigner:
    if config.signing_key_file is None:
        raise RuntimeError("ACCOUNTS_SIGNING_KEY_FILE is not set (an EC P-256 private key in PEM)")
    settings = infra.settings
    return EcSigner.from_pem_file(
        config.signing_key_file, config.signing_kid, settings.jwt_issuer, settings.jwt_audience
    )


def bootstrap(infra: Infrastructure, config: AccountsConfig) -> AccountsServices:
    keys = signer(infra, config)
    hasher = Argon2Hasher(memory_kib=config.argon2_memory_kib, time_cost=config.argon2_time_cost)
    profiles = ProfileCache(infra.redis)
    uow = accounts_unit_of_work(infra.engine, profiles)

    async def sessions_from_postgres(user_id: uuid.UUID) -> list[ActiveSession]:
        async with infra.engine.connect() as conn:
            return await SqlAccountsRepository(conn).active_sessions(user_id)

    sessions = RedisSessionIndex(infra.redis, sessions_from_postgres)
    revocations = infra.revocations
    return AccountsServices(
        identity=Identity(
            uow=uow,
            hasher=hasher,
            signer=keys,
            revocations=revocations,
            throttle=LoginThrottle(infra.redis),
            clock=utcnow,
            sessions=sessions,
        ),
        devices=Devices(uow=uow, revocations=revocations, clock=utcnow, sessions=sessions),
        profiles=Profiles(uow=uow),
        password_resets=PasswordResets(
            uow=uow,
            hasher=hasher,
            revocations=revocations,
            clock=utcnow,
            reset_url=config.reset_url,
            sessions=sessions,
        ),
        kyc=Kyc(uow=uow, store=FilesystemBlobStore(config.kyc_storage_dir), clock=utcnow),
        access=Access(uow=uow, revocations=revocations, clock=utcnow),
        restore_revocations=RestoreRevocationMarkers(uow=uow, markers=revocations, clock=utcnow),
        reads=SqlAccountsReads(infra.engine, profiles, sessions, infra.activity),
        address_book=AddressBook(uow=uow, clock=utcnow),
        address_reads=SqlAddressReads(infra.engine),
        keys=keys,
    )
