"""The orders subgraph's own settings (the platform's are in `platform.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from subgraphs.platform.kernel import env


@dataclass(frozen=True)
class OrdersConfig:
    # The subgraphs checkout asks (the buyer's cart and addresses, the catalogue's prices).
    cart_url: str = "http://127.0.0.1:4003/graphql"
    products_url: str = "http://127.0.0.1:4001/graphql"
    accounts_url: str = "http://127.0.0.1:4002/graphql"
    # A seller without a row in `shipping_rates` charges this per order (minor units).
    default_shipping: int = 500
    # How long products holds a checkout's stock, and how long a checkout request waits for
    # the saga before answering PROCESSING.
    reserve_seconds: int = 900
    checkout_wait_ms: int = 5000
    # The fake card processor's webhooks (local and test stacks) and their signing secret.
    payment_webhook_url: str = "http://127.0.0.1:4004/webhooks/payments"
    payment_webhook_secret: str = "dev-payment-webhook-secret"
    # Return photos buyers upload (filesystem for local runs; object storage in production), and
    # what signs the links that serve them.
    return_photos_dir: Path = Path(".data/return-photos")
    photo_link_secret: str = "dev-photo-link-secret"
    self_url: str = "http://127.0.0.1:4004"
    # The platform's commission on a seller's lines when the seller has no rate of their own.
    default_commission_bp: int = 1000
    # What carriers sign their tracking webhooks (`/webhooks/carriers`) with.
    carrier_webhook_secret: str = "dev-carrier-webhook-secret"
    payment_retry_pause_ms: int = 200
    payment_late_callback_ms: int = 1000
    # A checkout a dead process left mid-payment is resumed by the keeper after this long.
    saga_stalled_after_seconds: int = 30

    @classmethod
    def from_env(cls, environment: Mapping[str, str]) -> OrdersConfig:
        own = env.text(environment, "SUBGRAPH_SELF_URL", "")
        webhook = f"{own}/webhooks/payments" if own else cls.payment_webhook_url
        return cls(
            cart_url=env.text(environment, "ORDERS_CART_URL", cls.cart_url),
            products_url=env.text(environment, "ORDERS_PRODUCTS_URL", cls.products_url),
            accounts_url=env.text(environment, "ORDERS_ACCOUNTS_URL", cls.accounts_url),
            default_shipping=env.integer(environment, "ORDERS_DEFAULT_SHIPPING", cls.default_shipping),
            reserve_seconds=env.integer(environment, "ORDERS_RESERVE_SECONDS", cls.reserve_seconds),
            checkout_wait_ms=env.integer(environment, "ORDERS_CHECKOUT_WAIT_MS", cls.checkout_wait_ms),
            payment_webhook_url=env.text(environment, "ORDERS_PAYMENT_WEBHOOK_URL", webhook),
            payment_webhook_secret=env.text(
                environment, "ORDERS_PAYMENT_WEBHOOK_SECRET", cls.payment_webhook_secret
            ),
            return_photos_dir=Path(
                env.text(environment, "ORDERS_RETURN_PHOTOS_DIR", str(cls.return_photos_dir))
            ),
            photo_link_secret=env.text(environment, "ORDERS_PHOTO_LINK_SECRET", cls.photo_link_secret),
            self_url=own or cls.self_url,
            default_commission_bp=env.integer(
                environment, "ORDERS_DEFAULT_COMMISSION_BP", cls.default_commission_bp
            ),
            carrier_webhook_secret=env.text(
                environment, "ORDERS_CARRIER_WEBHOOK_SECRET", cls.carrier_webhook_secret
            ),
            payment_retry_pause_ms=env.integer(
                environment, "ORDERS_PAYMENT_RETRY_PAUSE_MS", cls.payment_retry_pause_ms
            ),
            payment_late_callback_ms=env.integer(
                environment, "ORDERS_PAYMENT_LATE_CALLBACK_MS", cls.payment_late_callback_ms
            ),
            saga_stalled_after_seconds=env.integer(
                environment, "ORDERS_SAGA_STALLED_AFTER_SECONDS", cls.saga_stalled_after_seconds
            ),
        )
