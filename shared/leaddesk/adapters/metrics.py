"""The counts an operator watches, as CloudWatch metrics (Powertools Metrics, embedded metric format).

Metrics are flushed by the handler's `Metrics().log_metrics` decorator at the end of each
invocation (Powertools keeps one metric set per process). A count with a dimension (a dead
letter's field, an event type) is flushed at once as its own metric object, so dimensions of
different counts never mix. With `POWERTOOLS_METRICS_DISABLED` (the local stack, tests) nothing
is recorded at all: Powertools would otherwise keep the values it does not print.
"""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled


class OperatorMetrics:
    def __init__(self, namespace: str | None = None) -> None:
        """`namespace` defaults to POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets."""
        self._namespace = namespace
        self._metrics = Metrics(namespace=namespace)
        self._enabled = not is_metrics_disabled()

    def count(self, name: str, value: int = 1, dimension: tuple[str, str] | None = None) -> None:
        if value <= 0 or not self._enabled:
            return
        if dimension is None:
            self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
            return
        with single_metric(
            name=name, unit=MetricUnit.Count, value=value, namespace=self._namespace
        ) as metric:
            metric.add_dimension(name=dimension[0], value=dimension[1])
