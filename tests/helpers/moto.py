"""A moto server for tests that need true concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from leaddesk_local.process import free_port
from leaddesk_local.provision import Deployment, provision
from leaddesk_local.template import Template


@contextmanager
def atomic_moto_server(template: Template, stack_name: str) -> Iterator[Deployment]:
    """A moto server on 127.0.0.1 (true concurrency: one client per thread, as separate Lambda
    instances) holding the template's resources, with the local stack's write lock (`AtomicMotoServer`):
    moto alone does not apply conditional writes and transactions atomically under concurrent
    requests — DynamoDB does — so races under test are LeadDesk's own."""
    from leaddesk_local.motoserver import AtomicMotoServer

    port = free_port()
    server = AtomicMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield provision(template, f"http://127.0.0.1:{port}", stack_name=f"{stack_name}{port}")
    finally:
        server.stop()
