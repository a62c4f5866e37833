"""moto in server mode, with DynamoDB's per-item atomicity of writes restored.

moto checks a write's ConditionExpression and then applies it without a lock, so two
concurrent conditional writes to one item can both pass their check — DynamoDB never lets
that happen. This server runs DynamoDB write requests one at a time (reads stay concurrent),
which is what makes races between LeadDesk's own read → decide → conditional write steps
resolve locally the way they resolve on AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem", "ExecuteStatement"}
)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AtomicWrites:
    """WSGI middleware: DynamoDB write operations under one lock."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target.startswith("DynamoDB_") and target.rsplit(".", 1)[-1] in _WRITES:
            with self._lock:
                return list(self._app(environ, start_response))
        return self._app(environ, start_response)


class AtomicMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = AtomicWrites(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
