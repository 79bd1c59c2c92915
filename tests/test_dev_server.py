"""`make run` serves with `textline run`: stopped by a supervisor or Ctrl-C, it writes its counts first."""

import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, wait_healthy

from service.settings import ROOT

TEXTLINE = Path(sys.executable).with_name("textline")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_counts_survive_stopping_the_dev_server(tmp_path, database_url, stop):
    env = {**os.environ, "DATABASE_URL": database_url, "TEXTLINE_INSTANCE_DIR": str(tmp_path), "TWILIO_AUTH_TOKEN": ""}
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(TEXTLINE), "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_healthy(port, server), log.read_text()
        for n, body in enumerate(["MEDS", "TERAPIA", "HELP"]):
            form = {"Body": body, "From": "+15550001234", "MessageSid": f"SM{n:032x}"}
            data = urllib.parse.urlencode(form).encode()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sms", data=data, timeout=10) as response:
                assert response.status == 200
        server.send_signal(stop)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    stats = subprocess.run(
        [str(TEXTLINE), "stats", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert sum(row["count"] for row in json.loads(stats.stdout)) == 3
