"""POSTing a signed delivery to a partner's endpoint, safely.

The host is resolved here, every address it resolves to is checked (`domain.webhook_addresses.check_address`:
no loopback outside the local stack, no private, link-local, metadata or mapped addresses), and
the connection goes to the checked address itself — a second lookup (DNS rebinding) cannot move
it — with the host name kept for TLS (SNI and certificate check) and the Host header. Redirects
are never followed; the whole exchange has 10 seconds.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError

from leaddesk.domain.webhook_addresses import check_address, check_url
from leaddesk.domain.webhooks import TIMEOUT_SECONDS, AttemptResult, UrlRefused, parse_retry_after

Resolve = Callable[..., list[tuple[Any, ...]]]
USER_AGENT = "LeadDesk-Webhooks/1"


class WebhookSender:
    def __init__(
        self,
        allow_loopback: bool,
        timeout: float = TIMEOUT_SECONDS,
        resolve: Resolve = socket.getaddrinfo,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._timeout = timeout
        self._resolve = resolve
        self._clock = clock

    def post(self, url: str, headers: Mapping[str, str], body: bytes, now: datetime) -> AttemptResult:
        try:
            check_url(url, self._allow_loopback)
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = self._checked_address(host, port)
        except UrlRefused as error:
            return AttemptResult(error=f"refused: {error}")
        except OSError as error:
            return AttemptResult(error=f"DNS: {host} does not resolve ({error})")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        pool: urllib3.HTTPConnectionPool
        timeout = urllib3.Timeout(total=self._timeout)
        if parts.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host, timeout=timeout, retries=False
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        try:
            response = pool.urlopen(
                "POST",
                target,
                body=body,
                headers={
                    **headers,
                    "Host": host_header,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
            )
            try:
                response.read(4096)  # the body is not used: read a little, end the exchange cleanly
            finally:
                response.release_conn()
        except HTTPError as error:
            return AttemptResult(error=f"no answer: {type(error).__name__}")
        finally:
            pool.close()
        return AttemptResult(
            status_code=response.status,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
        )

    def _checked_address(self, host: str, port: int) -> str:
        """The first address `host` resolves to, once every one of them passed the check."""
        literal = host.strip("[]")
        try:
            addresses = [ipaddress.ip_address(literal)]
        except ValueError:
            infos = self._resolve(literal, port, type=socket.SOCK_STREAM)
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise OSError("no address")
        for address in addresses:
            check_address(address, self._allow_loopback)
        return str(addresses[0])
