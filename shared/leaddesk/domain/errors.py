"""What a request for a partner's lead, export or suppressed address can run into besides the
lifecycle's refusals. Kept light: every API function's handler imports it with the error map."""

from __future__ import annotations

from leaddesk.domain.models import Lead


class LeadNotFound(Exception):
    """No such lead for this partner (another tenant's id looks the same: 404)."""

    def __init__(self, lead_id: str) -> None:
        super().__init__(f"no lead {lead_id}")


class PreconditionFailed(Exception):
    """`If-Match` names a version that is no longer current (412)."""

    def __init__(self, lead: Lead) -> None:
        super().__init__(f"the lead changed: its current etag is {lead.etag}")
        self.lead = lead


class ExportNotFound(Exception):
    """No such export for this partner (another partner's id looks the same: 404)."""

    def __init__(self, export_id: str) -> None:
        super().__init__(f"no export {export_id}")


class SuppressionNotFound(Exception):
    """The address is not suppressed for the partner (404)."""

    def __init__(self, address: str) -> None:
        super().__init__(f"{address[:320]} is not suppressed")


class EndpointNotFound(Exception):
    """No such webhook endpoint for this partner (another partner's id looks the same: 404)."""

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(f"no webhook endpoint {endpoint_id[:80]}")


class DeliveryNotFound(Exception):
    """No such delivery of this endpoint, or its retention ended (404)."""

    def __init__(self, delivery_id: str) -> None:
        super().__init__(f"no delivery {delivery_id[:80]}")


class UrlRefused(ValueError):
    """An endpoint URL or address LeadDesk does not deliver to (422 naming `url` when saved)."""

    field = "url"
