"""CRM push, the endpoints API: endpoints and their secrets (shown on creation and rotation
only), the delivery log, a test event, and a retry by hand. Delivery itself is
`services.webhook_delivery`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leaddesk.domain.webhook_addresses import check_url
from leaddesk.domain.webhook_messages import (
    LEAD_EVENTS,
    TestData,
    TestMessage,
    WebhookEvent,
    encode_body,
    message_id,
)
from leaddesk.domain.webhooks import (
    ROTATION_OVERLAP,
    Delivery,
    DeliveryNotFound,
    DeliveryPage,
    DeliveryStatus,
    DeliveryView,
    Endpoint,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointNotFound,
    EndpointPatch,
    EndpointView,
    RotatedSecret,
    StoredSecret,
    delivery_view,
    new_endpoint_id,
    new_secret,
    signing_secrets,
    view_of,
)

if TYPE_CHECKING:
    from leaddesk.adapters.webhook_queue import AttemptQueue
    from leaddesk.adapters.webhook_secrets import SecretVault
    from leaddesk.adapters.webhook_store import WebhookStore

from leaddesk.services.webhook_delivery import Clock, queue_attempt


# --- the API ------------------------------------------------------------------------------------------
class WebhooksService:
    def __init__(
        self,
        store: WebhookStore,
        vault: SecretVault,
        queue: AttemptQueue,
        clock: Clock,
        allow_loopback: bool,
    ) -> None:
        self._store = store
        self._vault = vault
        self._queue = queue
        self._clock = clock
        self._allow_loopback = allow_loopback

    def create(self, partner_id: str, request: EndpointCreate) -> EndpointCreated:
        check_url(request.url, self._allow_loopback)
        now = self._clock()
        endpoint = Endpoint(
            id=new_endpoint_id(),
            partner_id=partner_id,
            url=request.url,
            events=request.events or list(LEAD_EVENTS),
            description=request.description,
            created_at=now,
            updated_at=now,
        )
        secret = new_secret()
        sealed = StoredSecret(ciphertext=self._vault.seal(secret, partner_id, endpoint.id), created_at=now)
        self._store.add_endpoint(endpoint, sealed)
        return EndpointCreated(**view_of(endpoint).model_dump(), secret=secret)

    def endpoints(self, partner_id: str) -> EndpointList:
        endpoints = sorted(self._store.endpoints(partner_id), key=lambda e: e.created_at)
        return EndpointList(items=[view_of(e) for e in endpoints])

    def get(self, partner_id: str, endpoint_id: str) -> EndpointView:
        return view_of(self._endpoint(partner_id, endpoint_id)[0])

    def update(self, partner_id: str, endpoint_id: str, patch: EndpointPatch) -> EndpointView:
        endpoint, _ = self._endpoint(partner_id, endpoint_id)
        changes = patch.model_dump(exclude_unset=True)
        if changes.get("url") is not None:
            check_url(changes["url"], self._allow_loopback)
        changes = {
            name: value for name, value in changes.items() if value is not None or name == "description"
        }
        if changes.get("enabled") is True:  # enabled again by a person: a fresh start
            changes |= {"disabled_reason": None, "failing_since": None}
        updated = endpoint.model_copy(update=changes | {"updated_at": self._clock()})
        updated = Endpoint.model_validate(updated.model_dump())
        if not self._store.save_endpoint(updated):
            raise EndpointNotFound(endpoint_id)
        return view_of(updated)

    def delete(self, partner_id: str, endpoint_id: str) -> None:
        if not self._store.delete_endpoint(partner_id, endpoint_id):
            raise EndpointNotFound(endpoint_id)

    def rotate_secret(self, partner_id: str, endpoint_id: str) -> RotatedSecret:
        endpoint, stored = self._endpoint(partner_id, endpoint_id)
        now = self._clock()
        retires_at = now + ROTATION_OVERLAP
        secret = new_secret()
        kept = [
            s.model_copy(update={"retires_at": min(s.retires_at or retires_at, retires_at)})
            for s in signing_secrets(stored, now)
        ]
        current = StoredSecret(ciphertext=self._vault.seal(secret, partner_id, endpoint_id), created_at=now)
        if not self._store.save_endpoint(endpoint.model_copy(update={"updated_at": now}), [current, *kept]):
            raise EndpointNotFound(endpoint_id)
        return RotatedSecret(secret=secret, previous_secret_retires_at=retires_at)

    def send_test(self, partner_id: str, endpoint_id: str) -> DeliveryView:
        endpoint, _ = self._endpoint(partner_id, endpoint_id)
        now = self._clock()
        message = TestMessage(type="webhook.test", timestamp=now, data=TestData(endpoint_id=endpoint.id))
        identifier = message_id(now)
        delivery = Delivery(
            partner_id=partner_id,
            endpoint_id=endpoint.id,
            id=identifier,
            message_id=identifier,
            event_type=WebhookEvent.TEST,
            created_at=now,
            next_attempt_at=now,
            body=encode_body(message),
        )
        self._store.add_delivery(delivery)
        queue_attempt(self._queue, delivery, now)
        return delivery_view(delivery)

    def deliveries(self, partner_id: str, endpoint_id: str, limit: int, cursor: str | None) -> DeliveryPage:
        self._endpoint(partner_id, endpoint_id)
        items, next_cursor = self._store.deliveries(partner_id, endpoint_id, limit, cursor)
        return DeliveryPage(items=[delivery_view(d) for d in items], next_cursor=next_cursor)

    def retry(self, partner_id: str, endpoint_id: str, delivery_id: str) -> DeliveryView:
        """Attempt again now, with the same message id (a delivered one is sent again too: a replay)."""
        self._endpoint(partner_id, endpoint_id)
        delivery = self._store.delivery(partner_id, endpoint_id, delivery_id)
        if delivery is None:
            raise DeliveryNotFound(delivery_id)
        now = self._clock()
        reopened = delivery.model_copy(update={"status": DeliveryStatus.PENDING, "next_attempt_at": now})
        if not self._store.reopen(delivery, reopened):  # an attempt landed meanwhile: read it again
            return self.retry(partner_id, endpoint_id, delivery_id)
        queue_attempt(self._queue, reopened, now)
        return delivery_view(reopened)

    def _endpoint(self, partner_id: str, endpoint_id: str) -> tuple[Endpoint, list[StoredSecret]]:
        found = self._store.endpoint(partner_id, endpoint_id)
        if found is None:
            raise EndpointNotFound(endpoint_id)
        return found
