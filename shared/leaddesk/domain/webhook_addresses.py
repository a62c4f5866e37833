"""CRM push: what an endpoint URL may be and which addresses a delivery may reach (no requests to
loopback, private, link-local or cloud-metadata addresses, in any of their IPv6 disguises)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from leaddesk.domain.errors import UrlRefused

# --- where deliveries may go ---------------------------------------------------------------------------
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Cloud metadata services answer on these whatever the network: refused everywhere.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


def check_url(url: str, allow_loopback: bool) -> str:
    """The URL if an endpoint may have it: https (the local stack also takes http to
    127.0.0.1/localhost), a host, no credentials, and a host that is not a refused IP literal."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UrlRefused("url: an endpoint is an https URL with a host")
    if parts.username or parts.password:
        raise UrlRefused("url: credentials in the URL are not accepted (the signature authenticates)")
    if parts.scheme == "http" and not (allow_loopback and host in LOCAL_HOSTS):
        raise UrlRefused("url: an endpoint must use https")
    try:
        _ = parts.port
    except ValueError as error:
        raise UrlRefused("url: the port is not valid") from error
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host.endswith((".localhost", ".internal", ".local")) or (
            host == "localhost" and not allow_loopback
        ):
            raise UrlRefused(f"url: {host} is not a public host") from None
        return url
    check_address(literal, allow_loopback)
    return url


def check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> None:
    """Raise UrlRefused unless a delivery may connect to `address` (after DNS resolution): public
    unicast only; loopback only where `allow_loopback` (the local stack). An IPv4 address mapped,
    translated or tunnelled in IPv6 is judged as the IPv4 address it carries."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        check_address(embedded, allow_loopback)
        return
    if address in METADATA_ADDRESSES or address.is_link_local:
        raise UrlRefused(f"url: {address} is a link-local or cloud metadata address")
    if address.is_loopback:
        if allow_loopback:
            return
        raise UrlRefused(f"url: {address} is a loopback address")
    if not address.is_global or address.is_multicast:
        raise UrlRefused(f"url: {address} is not a public address")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    # IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks)
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None
