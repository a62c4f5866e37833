"""What moto needs to hold a LeadDesk workload at volume, in one place (local stack only).

Measured on moto 5.2.5 with 1,000 leads through the local stack: 3 leads/s end to end and
10 GB of memory, because moto

- keeps every model instance it ever created alive for its dashboard (`BaseModel.__new__`
  appends each one to a class list: every DynamoDB item version, every SQS message);
- deep-copies every table a transaction touches, once per `TransactWriteItems`, to roll back;
- answers each DynamoDB `Query` by walking and sorting the whole table;
- recomputes every queue attribute (a pass over all messages) on each `SendMessage`, and
  materialises the list of visible messages on each `ReceiveMessage` and `DeleteMessage`;
- re-measures an item's size on every attribute it sets while building it (quadratic);
- builds a new jsonpath parser (a yacc grammar, ~18 ms) for every path of every event an
  EventBridge rule delivers;
- lists its own package directory (a stat of every service folder) on every request it
  serves, to tell which service a request is for, and every function of the service's response
  class (`inspect.getmembers`) to tell whether the action exists;
- turns every DynamoDB read answer into JSON by walking the service's shape model attribute
  by attribute (about 5 ms per item: a page of 500 leads took 2.5 s to answer), although
  the items it holds are already in DynamoDB's JSON form.

Each patch (in this package's modules, one per service) replaces one of those with
bookkeeping that gives the same answers — conditions, cancellation reasons, index order,
paging, visibility, redrive — which `tests/local/test_moto_patches.py` pins, patch by patch.
`apply()` refuses any other moto version than the one they were written for.
"""

from __future__ import annotations

import threading

import moto

from leaddesk_local.moto_patches import dynamodb_index, dynamodb_items, server, sqs
from leaddesk_local.moto_patches.dynamodb_items import SHAPE_DRIVEN

__all__ = ["MOTO_VERSION", "SHAPE_DRIVEN", "UnsupportedMoto", "apply", "moto"]

MOTO_VERSION = "5.2.5"  # the version these patches were written for (pinned in pyproject.toml)

_state = {"applied": False}
_lock = threading.Lock()


class UnsupportedMoto(RuntimeError):
    pass


def apply() -> None:
    """Patch moto in this process (idempotent)."""
    with _lock:
        if _state["applied"]:
            return
        if moto.__version__ != MOTO_VERSION:
            raise UnsupportedMoto(
                f"the local stack's moto patches were written for moto {MOTO_VERSION}, "
                f"but moto {moto.__version__} is installed; run `make clean run` to reinstall "
                "the pinned version"
            )
        server.stop_instance_tracking()
        dynamodb_items.build_items_in_linear_time()
        dynamodb_index.index_partitions()
        dynamodb_items.snapshot_items_not_tables()
        sqs.queue_bookkeeping()
        server.parse_event_paths_once()
        server.list_services_once()
        server.list_actions_once()
        dynamodb_items.answer_reads_as_json()
        _state["applied"] = True
