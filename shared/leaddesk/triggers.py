"""The events Lambda's triggers deliver, as the handlers read them (pydantic at the boundary).

Only the fields LeadDesk uses: Powertools' data classes and parser models cover every field of
every trigger, and importing them cost the handlers more cold start than the rest of their code.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SqsAttributes(BaseModel):
    model_config = ConfigDict(extra="ignore")

    receive_count: int = Field(default=1, alias="ApproximateReceiveCount")


class SqsMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message_id: str = Field(alias="messageId")
    body: str
    attributes: SqsAttributes = Field(default_factory=SqsAttributes)


class SqsBatch(BaseModel):
    """An SQS event source's batch."""

    model_config = ConfigDict(extra="ignore")

    records: list[SqsMessage] = Field(alias="Records")


class ScheduledEvent(BaseModel):
    """EventBridge's Scheduled Event: `time` is the moment the schedule fired."""

    model_config = ConfigDict(extra="ignore")

    time: datetime
