from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def settings(db_url: str, tmp_path: Path):  # noqa: ANN201
    """The suite's settings, with plain-http webhooks to loopback allowed (the test receiver)."""
    from clearinghouse.core.settings import Settings

    return Settings(data_dir=tmp_path / "data", database_url=db_url, max_body_bytes=65_536,
                    webhook_allow_http_loopback=True)
