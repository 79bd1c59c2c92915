"""Where a webhook request's time goes, stage by stage, in microseconds of CPU.

    .venv/bin/python bench/stages.py

Times each step of POST /sms on realistic signed Twilio forms, outside any
server: Flask's own request handling (the bare baseline app), parsing the
form, the signature, the core answer, the flood gate, queueing the count,
the metrics and the TwiML. The sum next to the baseline explains the
throughput ratio `bench/webhook.py` measures.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="textline-stages-"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import baseline  # noqa: E402
import webhook as bench  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from service import create_app  # noqa: E402
from service.core.replies import Sender, answer  # noqa: E402
from service.counts import CountKey  # noqa: E402
from service.web import metrics, signature  # noqa: E402
from service.web.webhook import parse_form, twiml  # noqa: E402

N = 3000


def cpu_us(function, items) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for item in items:
            function(item)
        best = min(best, (time.process_time() - start) / len(items) * 1e6)
    return best


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="textline-stages-"))
    os.environ.update(
        TWILIO_AUTH_TOKEN=bench.TOKEN, PUBLIC_BASE_URL=bench.PUBLIC, DATABASE_URL=f"sqlite:///{tmp / 'stages.db'}"
    )
    import logging

    app = create_app()
    logging.getLogger().setLevel(logging.ERROR)
    state = app.extensions["textline"]
    state.counts.interval = 3600
    lines = [line.split("\t") for line in bench.signed_requests(N * 4).splitlines()]
    bodies = [body.encode() for _, body in lines]
    pairs = [parse_form(body) for body in bodies]
    forms = [dict(reversed(p)) for p in pairs]
    library = state.library.current()
    replies = [answer(library, f["Body"], Sender.from_twilio(f["From"], f.get("FromCountry"))) for f in forms[:N]]

    def environ(i, app_=None):
        sig, body = lines[i]
        env = EnvironBuilder(
            path="/sms",
            method="POST",
            data=body.encode(),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": sig},
            base_url="http://127.0.0.1:8000",
        ).get_environ()
        env["wsgi.input"] = io.BytesIO(body.encode())
        return env

    def call(wsgi_app, env):
        return b"".join(wsgi_app(env, lambda *a: None))

    def flood(i):
        state.flood.check(forms[i]["From"], urgent=False)

    offsets = iter(range(0, N * 4, N))
    rows = []
    start = next(offsets)
    envs = [environ(i) for i in range(start, start + N)]
    rows.append(
        (
            "bare Flask baseline, whole request",
            cpu_us(
                lambda e: call(baseline.app, dict(e, **{"wsgi.input": io.BytesIO(e["wsgi.input"].getvalue())})), envs
            ),
        )
    )
    start = next(offsets)
    envs = [environ(i) for i in range(start, start + N)]
    rows.append(
        (
            "textline webhook, whole request",
            cpu_us(lambda e: call(app, dict(e, **{"wsgi.input": io.BytesIO(e["wsgi.input"].getvalue())})), envs),
        )
    )
    rows.append(("  parse the form, checking its escapes", cpu_us(parse_form, bodies[:N])))
    rows.append(
        (
            "  signature",
            cpu_us(lambda i: signature.valid(bench.TOKEN, bench.PUBLIC + "/sms", pairs[i], lines[i][0]), range(N)),
        )
    )
    rows.append(
        (
            "  Sender.from_twilio + answer()",
            cpu_us(
                lambda f: answer(library, f["Body"], Sender.from_twilio(f["From"], f.get("FromCountry"))), forms[:N]
            ),
        )
    )
    start = next(offsets)
    rows.append(("  flood gate", cpu_us(flood, range(start, start + N))))
    rows.append(
        (
            "  queue the count",
            cpu_us(lambda r: state.counts.record(CountKey(r.topic, r.locale, "sms", r.page > 1), "SM1"), replies),
        )
    )
    with app.test_request_context():
        both = lambda r: (metrics.message(r, "sms"), metrics.timed(0.0, state))  # noqa: E731
        rows.append(("  metrics (message + latency)", cpu_us(both, replies)))
    rows.append(("  TwiML", cpu_us(lambda r: twiml(r.messages), replies)))
    for label, us in rows:
        print(f"{label:<40} {us:7.1f} µs")


if __name__ == "__main__":
    main()
