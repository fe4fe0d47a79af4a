"""The real `clearinghouse` as a separate process: run a command, or serve on a free port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support.live import free_port
from tests.support.live import serving as serving_app

__all__ = ["free_port", "serving", "run_cli", "clearinghouse_env", "ServerProcess"]

CLI = [sys.executable, "-m", "clearinghouse.cli.main"]
STARTUP_SECONDS = 60


def clearinghouse_env(data_dir: Path, port: int, database_url: str | None = None) -> dict[str, str]:
    """This process's environment without any CLEARINGHOUSE_ setting but the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARINGHOUSE_")}
    env |= {"CLEARINGHOUSE_DATA_DIR": str(data_dir), "CLEARINGHOUSE_BASE_URL": f"http://127.0.0.1:{port}"}
    if database_url:
        env["CLEARINGHOUSE_DATABASE_URL"] = database_url
    return env


def run_cli(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


class ServerProcess:
    """`clearinghouse serve` (or another serving command, such as `demo`) in a child process,
    logging to `log`."""

    def __init__(self, env: dict[str, str], port: int, log: Path, command: str = "serve",
                 startup_seconds: float = STARTUP_SECONDS) -> None:
        self.env, self.port, self.log = env, port, log
        self.command, self.startup_seconds = command, startup_seconds
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([*CLI, self.command, "--port", str(self.port)], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)
        self._wait_for_health()

    def _wait_for_health(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"no answer from {self.url}/healthz in {self.startup_seconds} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no rollback, no flushing; as a power cut to the process."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@contextmanager
def serving(settings: Any) -> Iterator[str]:
    """The real app for `settings` in a real uvicorn server in this process (a thread)."""
    from clearinghouse.api.app import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with serving_app(create_app(settings)) as base:
        yield base

