"""Everything the accounts subgraph offers its resolvers and consumers, built by `entrypoints/bootstrap.py`.

a new use case    a method on one of these classes (or a new class, added here and in bootstrap)
a new read        a method on the `AccountsReads` port and `SqlAccountsReads`
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from subgraphs.accounts.service_layer.access import Access
from subgraphs.accounts.service_layer.address_book import AddressBook
from subgraphs.accounts.service_layer.devices import Devices
from subgraphs.accounts.service_layer.identity import Identity
from subgraphs.accounts.service_layer.kyc import Kyc
from subgraphs.accounts.service_layer.password_reset import PasswordResets
from subgraphs.accounts.service_layer.profiles import Profiles
from subgraphs.accounts.service_layer.read_models import AccountsReads, AddressReads
from subgraphs.accounts.service_layer.revoking import RestoreRevocationMarkers


class KeySet(Protocol):
    """The public keys tokens are verified with (served as the JWKS)."""

    def jwks(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class AccountsServices:
    identity: Identity
    devices: Devices
    profiles: Profiles
    password_resets: PasswordResets
    kyc: Kyc
    access: Access
    restore_revocations: RestoreRevocationMarkers
    reads: AccountsReads
    address_book: AddressBook
    address_reads: AddressReads
    keys: KeySet
