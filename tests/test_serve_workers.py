"""`clearinghouse serve --workers N` brings every worker up even where starting one is slow.

On a busy machine each worker (a `spawn`ed interpreter) took longer to re-import the CLI than
uvicorn's 5 s worker health check allows: workers were killed and respawned in a loop, and under
load the server ran on one worker or none. A CLI whose import takes 6 s stands in for that
machine here, deterministically.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import clearinghouse_env, free_port

SLOW_CLI = """import sys, time
time.sleep(6)  # as long as importing the CLI takes on a loaded two-core machine
from clearinghouse.cli.main import app
sys.exit(app())
"""
STARTED = "Application startup complete"


@pytest.mark.slow
def test_every_worker_starts_and_stays_up_when_starting_is_slow(tmp_path: Path) -> None:
    script = tmp_path / "slow_clearinghouse.py"
    script.write_text(SLOW_CLI)
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, str(script), "serve", "--port", str(port), "--workers", "2"],
                                  env=clearinghouse_env(tmp_path / "data", port), stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while log.read_text().count(STARTED) < 2 and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.5)
        time.sleep(6)  # past a health check or two
        output = log.read_text()
        assert output.count(STARTED) == 2 and "died" not in output, output
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
