"""The accounts subgraph's consumers of its own events: each handler calls one use case with the claim."""

from __future__ import annotations

from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.contracts.accounts import ACCOUNTS_TOPIC, KycApproved, KycSubmitted, PasswordResetRequested
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import Consumer


async def mail_reset_links(services: AccountsServices, envelope: Envelope, claim: Claim) -> None:
    """Turns reset requests into tokens and messages, for real accounts only."""
    event = envelope.event()
    if isinstance(event, PasswordResetRequested):
        await services.password_resets.issue(event.email, claim)


async def follow_kyc(services: AccountsServices, envelope: Envelope, claim: Claim) -> None:
    """Checks submitted documents, and grants the seller role when a submission is approved."""
    event = envelope.event()
    if isinstance(event, KycSubmitted):
        await services.kyc.validate(event.user_id, event.submission_id, claim)
    elif isinstance(event, KycApproved):
        await services.kyc.grant_approved_seller(event.user_id, event.reviewer, claim)


CONSUMERS = (
    Consumer("accounts-password-reset-mailer", (ACCOUNTS_TOPIC,), mail_reset_links),
    Consumer("accounts-kyc-pipeline", (ACCOUNTS_TOPIC,), follow_kyc),
)
