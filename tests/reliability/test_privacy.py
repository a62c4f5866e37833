"""No customer email, phone or name in any log line: the whole workload (ingest with its
rejects, the API, the sweep, republishing, exports, notifications and the digest) runs at INFO,
and every line is searched."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Iterator

import pytest

from leaddesk_local.template import Template
from tests.reliability.actions import ApiWorkload, SweepWorkload
from tests.reliability.exports import ExportWorkload
from tests.reliability.harness import moto_stage
from tests.reliability.notifications import NotificationsWorkload, SettingsWorkload
from tests.reliability.workloads import Figures, IngestWorkload


class Lines(logging.Handler):
    """Every record with everything attached to it (extras), into a list shared by its copies."""

    def __init__(self, lines: list[str] | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = [] if lines is None else lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__}")

    def copy(self) -> Lines:
        # Powertools filters its service's records out of the root logger's handlers (so they
        # are not written twice): the root logger gets a handler of its own.
        return Lines(self.lines)


@pytest.fixture
def every_log_line() -> Iterator[Lines]:
    """Attached to the root logger and to every LeadDesk logger (Powertools' do not propagate)."""
    lines = Lines()
    touched: list[tuple[logging.Logger, int]] = []

    def attach(logger: logging.Logger) -> None:
        touched.append((logger, logger.level))
        logger.addHandler(lines)
        logger.setLevel(logging.INFO)

    root = lines.copy()
    touched.append((logging.getLogger(), logging.getLogger().level))
    logging.getLogger().addHandler(root)
    logging.getLogger().setLevel(logging.INFO)
    # Every module that logs, imported now: a logger made later (a service imported on a handler's
    # first call) would miss the handler, whichever test ran before this one.
    import leaddesk.services

    for module in pkgutil.iter_modules(leaddesk.services.__path__, "leaddesk.services."):
        importlib.import_module(module.name)
    for name in list(logging.root.manager.loggerDict):
        if "leaddesk" in name:  # also a Powertools child logger outside Lambda: service_undefined.leaddesk…
            attach(logging.getLogger(name))
    yield lines
    for logger, level in touched:
        logger.removeHandler(lines)
        logger.removeHandler(root)
        logger.setLevel(level)


CUSTOMER_DATA = re.compile(
    r"customer\d+@(contoso|mailinator)\.com|Lovelace\d+|\+1 ?206 ?555 ?\d{4}|\+1206555\d{4}"
)


@pytest.mark.long
def test_a_full_workload_at_info_logs_no_customer_data(template: Template, every_log_line: Lines) -> None:
    with moto_stage(template, log_level="INFO") as stage:
        import digest.app
        import export_worker.app
        import exports_api.app
        import ingest.app
        import leads_api.app
        import notifications_api.app
        import notifier.app
        import republish.app
        import sweep.app

        modules = (
            ingest.app,
            leads_api.app,
            sweep.app,
            republish.app,
            exports_api.app,
            export_worker.app,
            notifications_api.app,
            notifier.app,
            digest.app,
        )
        for module in modules:
            module.logger.setLevel("INFO")
            module.logger.addHandler(every_log_line)
        figures = Figures()
        sent, settings = IngestWorkload(150, 11), SettingsWorkload()
        steps = (settings, sent, ApiWorkload(40, 12), SweepWorkload(13), ExportWorkload(4, 14))
        for workload in (*steps, NotificationsWorkload(settings, 15)):
            workload.run(stage)
            workload.account(stage, figures)
        for module in modules:
            module.logger.removeHandler(every_log_line)
    assert CUSTOMER_DATA.search(str(sent.originals)), "the pattern finds the customer data that was sent"
    lines = every_log_line.lines
    assert len(lines) > 150, "the workload logged (at INFO every record is a line)"
    leaking = [line for line in lines if CUSTOMER_DATA.search(line)]
    assert not leaking, leaking[:3]
    assert (figures.lost, figures.doubled, figures.stuck, figures.wrong) == (0, 0, 0, 0), figures.notes[:5]
