"""Real gunicorn, three workers, one SQLite file: a redelivered MessageSid is answered alike and counted once.

The same run checks that nothing personal reaches gunicorn's logs (error and access log).
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

from servers import free_port, wait_healthy
from twilio.request_validator import RequestValidator

from service.settings import ROOT

TOKEN = "gunicorn-test-token-0123456789"
BASE_URL = "https://sms.example.org"
NUMBER, WHATSAPP, NAME = "+15558675309", "whatsapp:+447700900456", "Philomena Brackenbury"
SECRET_WORDS = ["clementine", "gooseberry"]  # no stem of our catalogs' words ("elderflower" is elderly's)


def _post(port: int, form: dict, path: str = "/sms", signature: str | None = None) -> tuple[int, bytes]:
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(BASE_URL + path, form)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature, "Connection": "close"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def _stalled(port: int, count: int):
    """Hold ``count`` workers on requests whose body never comes, then let them go."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
            sockets.append(sock)
        time.sleep(0.3)  # let the workers pick them up
        yield
    finally:
        for sock in sockets:
            sock.close()


def test_same_message_sid_four_times_under_three_workers_is_counted_once(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTLINE_", "PROMETHEUS_", "GUNICORN_"))}
    env |= {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'counts.db'}",
    }
    textline = [str(Path(sys.executable).with_name("textline"))]
    subprocess.run([*textline, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_healthy(port, server), "gunicorn did not start"
        form = {
            "MessageSid": "SM" + "7" * 32,
            "AccountSid": "AC" + "0" * 32,
            "From": NUMBER,
            "FromCountry": "US",
            "To": "+15550001111",
            "Body": "THERAPY",
            "NumMedia": "0",
        }
        answers = []
        for stalls in (0, 2, 2, 1):  # keep some workers busy so the copies reach different ones
            with _stalled(port, stalls):
                answers.append(_post(port, form))
        assert {status for status, _ in answers} == {200}
        assert len({body for _, body in answers}) == 1, "every delivery gets the same reply"
        assert "Reply THERAPY 2" in ElementTree.fromstring(answers[0][1]).findtext("Message")

        # Other traffic in the same run, for the log scan: WhatsApp with a name, a forgery,
        # a query string, a malformed body.
        whatsapp = {
            "MessageSid": "SM" + "8" * 32,
            "From": WHATSAPP,
            "ProfileName": NAME,
            "Body": f"MEDS {SECRET_WORDS[1]}",
        }
        assert _post(port, whatsapp)[0] == 200
        assert _post(port, form | {"MessageSid": "SM" + "9" * 32}, signature="forged")[0] == 403
        unknown = form | {"MessageSid": "SM" + "6" * 32, "Body": f"hello {SECRET_WORDS[0]}"}
        assert _post(port, unknown, path=f"/sms?From={NUMBER}")[0] == 200
        request = urllib.request.Request(f"http://127.0.0.1:{port}/sms", data=b"Body=%E4%B8&From=%2B15558675309")
        try:
            urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 400
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: every worker flushes its counts
        stdout, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr[-2000:]

    stats = subprocess.run(
        [*textline, "stats", "--format", "json"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = json.loads(stats.stdout)
    by_topic = {}
    for row in rows:
        by_topic[row["topic"]] = by_topic.get(row["topic"], 0) + row["count"]
    # four deliveries of one SID counted once; "MEDS gooseberry" is read as a question about medicines
    assert by_topic == {"THERAPY": 1, "MEDS": 1, "unknown": 1}, rows

    logs = stdout + stderr
    served_by = set(re.findall(r"pid=(\d+) method=POST path=/sms status=200", logs))
    print(f"POST /sms answered by {len(served_by)} worker(s)")  # the digest table de-duplicates across them
    assert "POST" in logs, "the access log was on"
    needles = [NUMBER[1:], NUMBER[2:], WHATSAPP.split("+")[1], *NAME.split(), *SECRET_WORDS]
    assert [n for n in needles if n.lower() in logs.lower()] == []
