"""Real servers for tests: a throwaway PostgreSQL cluster and gunicorn running wsgi:app."""

import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NoReturn

import pytest

from service.settings import ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")


def pg_bin() -> Path | None:
    """The directory of PostgreSQL's server programs: TEXTLINE_TEST_PG_BIN, PATH, or Debian's."""
    candidates = [os.environ.get("TEXTLINE_TEST_PG_BIN")]
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for candidate in filter(None, candidates):
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def require_pg_bin() -> Path:
    """PostgreSQL's programs, or skip (fail in CI, where TEXTLINE_TEST_REQUIRE_PG=1)."""
    found = pg_bin()
    if found is None:
        _missing("PostgreSQL's pg_ctl and initdb not found; set TEXTLINE_TEST_PG_BIN or install postgresql")
    return found


def _missing(reason: str, required: str = "TEXTLINE_TEST_REQUIRE_PG") -> NoReturn:
    """Skip a test that needs a server program this machine lacks; fail instead where CI requires it."""
    if os.environ.get(required) == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, seconds: float = 90) -> bool:
    """Whether a server started as ``process`` answers /healthz on ``port`` before it exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.2)
    return False


class PostgresCluster:
    """A private PostgreSQL server in a temporary directory, on a loopback port, that a test may stop."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="textline-pg-"))
        self.port = free_port()
        # initdb and postgres refuse to run as root
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "textline", "-A", "trust", "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://textline@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )


class Gunicorn:
    """``gunicorn wsgi:app`` with gunicorn.conf.py, on a port it picks itself."""

    def __init__(self, env: dict, workers: int, tmp_path: Path):
        self.log_path = tmp_path / "gunicorn.log"
        self.log = open(self.log_path, "w+")
        env = {**os.environ, **env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(workers),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base_url = f"http://127.0.0.1:{self._port()}"
        self._wait_for_workers(workers)

    def _port(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log_path.read_text())
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()}")
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}")

    def _wait_for_workers(self, workers: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=5):
                    pass
                if self.log_path.read_text().count("Booting worker") >= workers:
                    return
            except OSError:  # not listening yet, or the probe waited on a booting worker
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log_path.read_text()}")

    def stop(self) -> int:
        """Stop gracefully, as a deploy or `systemctl stop` does; return the exit code."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.log.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def require_redis_server() -> str:
    """Debian's redis-server, or skip (fail in CI, where TEXTLINE_TEST_REQUIRE_REDIS=1)."""
    found = shutil.which("redis-server")
    if found is None:
        _missing("redis-server not found; install Debian's redis-server package", "TEXTLINE_TEST_REQUIRE_REDIS")
    return found


class RedisServer:
    """A private Redis on a loopback port, without persistence, that a test may stop, restart or freeze."""

    def __init__(self, program: str, tmp_path: Path):
        self.program = program
        self.dir = tmp_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server must wake to stop
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)
