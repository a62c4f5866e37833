"""`/webhooks`: endpoints that receive the partner's lead events, signed; their delivery logs.

Every route needs the referrals_admin role (an endpoint receives the partner's leads); another
partner's endpoint id answers 404.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leaddesk import composition
from leaddesk.api.auth import current_caller
from leaddesk.api.errors import responses
from leaddesk.api.resolver import new_router
from leaddesk.domain.access import Caller, Role
from leaddesk.domain.webhooks import (
    DeliveryPage,
    DeliveryView,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointPatch,
    EndpointView,
    RotatedSecret,
)

router = new_router()
EndpointId = Annotated[str, Path(min_length=1, max_length=64, description="The endpoint's id")]
DeliveryId = Annotated[str, Path(min_length=1, max_length=64, description="The delivery's id")]


def _admin() -> Caller:
    who = current_caller(router)
    who.require(Role.REFERRALS_ADMIN)
    return who


@router.post(
    "/webhooks",
    summary="Add an endpoint; the answer holds its signing secret, shown only this once",
    tags=["webhooks"],
    responses=responses(201, "Added (with its secret)", 401, 403, 415, 422),
    status_code=201,
)
def create_endpoint(body: EndpointCreate) -> Response[EndpointCreated]:
    who = _admin()
    created = composition.webhooks_service().create(who.partner_id, body)
    return Response(
        status_code=201,
        content_type=content_types.APPLICATION_JSON,
        body=created,
        headers={"Location": f"/webhooks/{created.id}"},
    )


@router.get(
    "/webhooks",
    summary="The partner's endpoints (never their secrets)",
    tags=["webhooks"],
    responses=responses(200, "The endpoints", 401, 403),
)
def list_endpoints() -> EndpointList:
    return composition.webhooks_service().endpoints(_admin().partner_id)


@router.get(
    "/webhooks/<endpoint_id>",
    summary="One endpoint (never its secret)",
    tags=["webhooks"],
    responses=responses(200, "The endpoint", 400, 401, 403, 404),
)
def get_endpoint(endpoint_id: EndpointId) -> EndpointView:
    return composition.webhooks_service().get(_admin().partner_id, endpoint_id)


@router.patch(
    "/webhooks/<endpoint_id>",
    summary="Change an endpoint's URL, events, description, or enable/disable it",
    tags=["webhooks"],
    responses=responses(200, "The endpoint as saved", 400, 401, 403, 404, 415, 422),
)
def update_endpoint(endpoint_id: EndpointId, body: EndpointPatch) -> EndpointView:
    return composition.webhooks_service().update(_admin().partner_id, endpoint_id, body)


@router.delete(
    "/webhooks/<endpoint_id>",
    summary="Remove an endpoint: nothing more is sent to it",
    tags=["webhooks"],
    responses=responses(204, "Removed", 400, 401, 403, 404),
    status_code=204,
)
def delete_endpoint(endpoint_id: EndpointId) -> Response[None]:
    composition.webhooks_service().delete(_admin().partner_id, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/webhooks/<endpoint_id>/rotate-secret",
    summary="A new signing secret, shown only now; the previous one also signs for 24 hours",
    tags=["webhooks"],
    responses=responses(200, "The new secret", 400, 401, 403, 404),
)
def rotate_secret(endpoint_id: EndpointId) -> RotatedSecret:
    return composition.webhooks_service().rotate_secret(_admin().partner_id, endpoint_id)


@router.post(
    "/webhooks/<endpoint_id>/test",
    summary="Send a `webhook.test` message to the endpoint",
    tags=["webhooks"],
    responses=responses(202, "Queued: follow it in the delivery log", 400, 401, 403, 404),
    status_code=202,
)
def send_test(endpoint_id: EndpointId) -> Response[DeliveryView]:
    delivery = composition.webhooks_service().send_test(_admin().partner_id, endpoint_id)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=delivery)


@router.get(
    "/webhooks/<endpoint_id>/deliveries",
    summary="The endpoint's deliveries, newest first (kept 5 days)",
    tags=["webhooks"],
    responses=responses(200, "A page of deliveries", 400, 401, 403, 404),
)
def list_deliveries(
    endpoint_id: EndpointId,
    limit: Annotated[int, Query(ge=1, le=100, description="Deliveries per page")] = 25,
    cursor: Annotated[str | None, Query(max_length=512, description="From the previous page")] = None,
) -> DeliveryPage:
    return composition.webhooks_service().deliveries(_admin().partner_id, endpoint_id, limit, cursor)


@router.post(
    "/webhooks/<endpoint_id>/deliveries/<delivery_id>/retry",
    summary="Attempt a delivery again now, with the same message id",
    tags=["webhooks"],
    responses=responses(202, "Queued", 400, 401, 403, 404),
    status_code=202,
)
def retry_delivery(endpoint_id: EndpointId, delivery_id: DeliveryId) -> Response[DeliveryView]:
    delivery = composition.webhooks_service().retry(_admin().partner_id, endpoint_id, delivery_id)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=delivery)
