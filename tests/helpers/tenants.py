"""Partner ids for tests that share one deployment: each test gets ids no other test uses.

Every key the product writes begins with `P#<partner>`, so tests that take their partners from
the `partners` fixture keep apart in one table as tenants do. The helpers that act for a
partner (`make_lead`, `marketplace_lead`, `call_api`, `put_settings`, ...) act, unless told
otherwise, for the test's own partner: `partners.contoso` while a test holds the fixture, and
`p-contoso` elsewhere (unit tests, benchmarks, the end-to-end tests' local stack).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_PARTNER = "p-contoso"

_acting = [DEFAULT_PARTNER]


def current_partner() -> str:
    """The partner the helpers act for when no partner is given."""
    return _acting[-1]


def or_current(partner: str | None) -> str:
    return current_partner() if partner is None else partner


@contextmanager
def acting_for(partner: str) -> Iterator[str]:
    """The helpers act for `partner` by default inside the block."""
    _acting.append(partner)
    try:
        yield partner
    finally:
        _acting.pop()


class Partners:
    """One test's partner ids: `p-<name>-<run>`, where `run` is drawn once per test, so the same
    name gives the same id within a test and never one another test used. The ids are valid
    wherever a partner id is (inbound events, token claims: letters, digits and `-`)."""

    def __init__(self, run: str | None = None) -> None:
        self.run = run or uuid.uuid4().hex[:8]

    def __call__(self, name: str) -> str:
        return f"p-{name}-{self.run}"

    @property
    def contoso(self) -> str:
        """The test's own partner: what the helpers act for by default."""
        return self("contoso")

    @property
    def other(self) -> str:
        return self("other")

    @property
    def fabrikam(self) -> str:
        return self("fabrikam")
