"""The timed-rules sweep: EventBridge's scheduled event → expiry, reminders, flame cooling, archiving.

"Now" is the scheduled event's `time`, never the process clock, so a sweep "at" any time is an
ordinary invocation (`leaddesk sweep --at TIME`). Only leads in the sparse Due index whose
due time has come are read; each change is a conditional write.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from leaddesk.config import settings
from leaddesk.services.lifecycle import LifecycleService

logger = Logger(service="leaddesk-sweep")


@cache
def service() -> LifecycleService:
    return LifecycleService.from_settings(settings())


def scheduled_time(event: dict[str, Any]) -> datetime:
    """The `time` of an EventBridge Scheduled Event (validated by Powertools' parser model)."""
    return parse(event=event, model=EventBridgeModel).time


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    now = scheduled_time(event)
    report = service().sweep(now)
    logger.info(
        "sweep done",
        extra={
            "now": now.isoformat(),
            "examined": report.examined,
            "changed": report.changed,
            "events": report.events,
        },
    )
    return {
        "now": now.isoformat(),
        "examined": report.examined,
        "changed": report.changed,
        "conflicts": report.conflicts,
        "events": report.events,
        "more": report.more,
    }
