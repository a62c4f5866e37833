"""moto in server mode, with DynamoDB's item-level atomicity restored.

moto checks a write's ConditionExpression and then applies it attribute by attribute without a
lock, so two concurrent conditional writes to one item can both pass their check, a cancelled
transaction can restore an old copy of the table over another request's writes, and a
concurrent read can see an item half-updated (new status, old version). DynamoDB allows none
of this. This server runs DynamoDB writes one at a time and never alongside a read (reads
still run alongside each other), which is what makes races between LeadDesk's own
read → decide → conditional write steps resolve locally the way they resolve on AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem", "ExecuteStatement"}
)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before newly arriving readers."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._changed:
            self._writers_waiting += 1
            self._changed.wait_for(lambda: not self._writing and not self._readers)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()


class AtomicWrites:
    """WSGI middleware: DynamoDB writes exclusive, DynamoDB reads shared."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = ReadWriteLock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith("DynamoDB_"):
            return self._app(environ, start_response)
        guard = self._lock.writing if target.rsplit(".", 1)[-1] in _WRITES else self._lock.reading
        with guard():
            return list(self._app(environ, start_response))  # the response is built under the lock


class AtomicMotoServer(ThreadedMotoServer):
    """The local stack's moto server: atomic DynamoDB writes, and moto patched to hold volume."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from leaddesk_local import moto_patches

        moto_patches.apply()
        super().__init__(*args, **kwargs)

    def _server_entry(self) -> None:
        app = AtomicWrites(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
