"""The environment of a benchmark that runs LeadDesk's services on in-process moto."""

from __future__ import annotations

import os


def in_process_aws(**settings: str) -> None:
    """Patch moto as the local stack does (request counts are the same, only faster), point every
    client at in-process moto with test credentials, and quieten metrics and logs; `settings` are
    further environment variables. The caller then enters `moto.mock_aws()`."""
    from leaddesk_local import moto_patches

    moto_patches.apply()
    os.environ |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        **settings,
    }
    os.environ.pop("AWS_ENDPOINT_URL", None)
