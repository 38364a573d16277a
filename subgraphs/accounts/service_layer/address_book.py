"""The address book: add, change, delete your saved addresses and choose the default.

Owner only: the address book is always the caller's own (admins included: an order keeps its
own copy of the address it ships to), so someone else's address id is simply not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.domain.address_book import LABEL_MAX, MAX_ADDRESSES, SavedAddress
from subgraphs.accounts.service_layer.ports import OpenAddressBookUnitOfWork
from subgraphs.contracts.access import Principal
from subgraphs.contracts.addresses import checked_address
from subgraphs.platform.kernel.errors import BadUserInput, Conflict, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors


class AddressBookFull(Conflict):
    code = "ADDRESS_BOOK_FULL"


def _label(label: str | None) -> str | None:
    if label is None:
        return None
    cleaned = " ".join(label.split())
    if len(cleaned) > LABEL_MAX:
        raise InputErrors([BadUserInput(f"A label has at most {LABEL_MAX} characters.", field="input.label")])
    return cleaned or None


def _not_found() -> InputErrors:
    return InputErrors([NotFound("Address not found.", field="id")])


@dataclass(frozen=True)
class AddressBook:
    uow: OpenAddressBookUnitOfWork
    clock: Callable[[], datetime]

    async def add(
        self, owner: Principal, fields: dict[str, str | None], label: str | None, make_default: bool
    ) -> SavedAddress:
        address = checked_address(fields, "input")
        now = self.clock()
        saved = SavedAddress(new_id(), owner.user_id, address, _label(label), make_default, now, now)
        async with self.uow() as uow:
            await uow.repo.lock_user(owner.user_id)  # one writer per book: the count and default hold
            count = await uow.repo.address_count(owner.user_id)
            if count >= MAX_ADDRESSES:
                raise InputErrors(
                    [AddressBookFull(f"An address book holds at most {MAX_ADDRESSES} addresses.")]
                )
            saved.is_default = make_default or count == 0
            if saved.is_default:
                await uow.repo.clear_default_address(owner.user_id)
            await uow.repo.add_address(saved)
            await uow.commit()
        return saved

    async def update(
        self,
        owner: Principal,
        address_id: uuid.UUID,
        fields: dict[str, str | None],
        label: str | None,
        make_default: bool,
    ) -> SavedAddress:
        address = checked_address(fields, "input")
        async with self.uow() as uow:
            await uow.repo.lock_user(owner.user_id)
            saved = await uow.repo.address(owner.user_id, address_id)
            if saved is None:
                raise _not_found()
            saved.address, saved.label, saved.updated_at = address, _label(label), self.clock()
            if make_default and not saved.is_default:
                await uow.repo.clear_default_address(owner.user_id)
                saved.is_default = True
            await uow.repo.save_address(saved)
            await uow.commit()
        return saved

    async def make_default(self, owner: Principal, address_id: uuid.UUID) -> SavedAddress:
        async with self.uow() as uow:
            await uow.repo.lock_user(owner.user_id)
            saved = await uow.repo.address(owner.user_id, address_id)
            if saved is None:
                raise _not_found()
            if not saved.is_default:
                await uow.repo.clear_default_address(owner.user_id)
                saved.is_default, saved.updated_at = True, self.clock()
                await uow.repo.save_address(saved)
            await uow.commit()
        return saved

    async def delete(self, owner: Principal, address_id: uuid.UUID) -> uuid.UUID:
        async with self.uow() as uow:
            await uow.repo.lock_user(owner.user_id)
            saved = await uow.repo.address(owner.user_id, address_id)
            if saved is None:
                raise _not_found()
            await uow.repo.delete_address(owner.user_id, address_id)
            if saved.is_default:
                await uow.repo.promote_newest_address(owner.user_id)
            await uow.commit()
        return address_id
