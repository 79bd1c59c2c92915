"""The webhook under gunicorn against a bare Flask baseline, with wrk, alternating the two.

    .venv/bin/python bench/webhook.py [--rounds 5] [--seconds 10] [--connections 16] [--workers N]

Both run under gunicorn.conf.py with the same worker count. The webhook gets
thousands of distinct requests signed as Twilio signs them (distinct
MessageSids and senders; a mix of keywords, languages, pages and channels);
the baseline answers every POST with one constant TwiML reply. Prints
requests per second, p50 and p99 for each, the ratios, and the resident
memory of each webhook worker with every locale loaded.

Targets (issue 14, with every feature on): throughput >= 0.75 of the baseline; p99 <= 2x the
baseline's. Also printed: each round's own ratio (its two runs are next to each other in time, so they
share the machine's speed of the moment) and the workers' CPU time per request (from /proc), which
varies less from run to run than throughput on a shared machine. Memory (issue 10): each worker's
proportional set size (PSS: the preloaded app shared between workers counted once) < 120 MB.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKEN = "bench-auth-token-0123456789abcdef"
PUBLIC = "https://textline.example.org"

# (body, FromCountry, channel): keywords, aliases, pages, languages, carrier words, chatter.
MIX = [
    ("MEDS", "US", "sms"),
    ("meds 2", "US", "sms"),
    ("THERAPY", "US", "sms"),
    ("therapy 2", "GB", "sms"),
    ("TERAPIA", "MX", "sms"),
    ("terapia 2", "MX", "sms"),
    ("DOCTOR", "MX", "sms"),
    ("DOCTOR", "US", "sms"),
    ("SELFCARE", "US", "whatsapp"),
    ("self-care 2", "US", "sms"),
    ("BRAIN", "US", "sms"),
    ("ABOUT", "US", "sms"),
    ("ABOUT FR", "FR", "sms"),
    ("meds es", "US", "sms"),
    ("MENU", "US", "sms"),
    ("ESPAÑOL", "US", "sms"),
    ("中文", "CN", "sms"),
    ("TIẾNG VIỆT", "VN", "sms"),
    ("HELP", "US", "sms"),
    ("Médicaments", "FR", "sms"),
    ("hi what is this", "US", "sms"),
    ("ＭＥＤＳ", "JP", "sms"),
    ("meds 3", "US", "whatsapp"),
    ("medication", "CA", "sms"),
]


def signed_requests(count: int) -> str:
    """``count`` lines of "<signature>\\t<form>", each with its own MessageSid and sender."""
    validator = RequestValidator(TOKEN)
    lines = []
    for n in range(count):
        body, country, channel = MIX[n % len(MIX)]
        number = f"+1{2000000000 + n * 7:010d}"
        sid = f"SM{n:032x}"
        form = {  # the fields Twilio posts for an inbound SMS
            "ToCountry": "US",
            "ToState": "CA",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": body,
            "To": "+15550001111",
            "MessagingServiceSid": "MG" + "0" * 32,
            "ToZip": "",
            "NumSegments": "1",
            "ReferralNumMedia": "0",
            "MessageSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "ApiVersion": "2010-04-01",
            "From": f"whatsapp:{number}" if channel == "whatsapp" else number,
        }
        if channel == "sms":
            form["FromCountry"] = country
        else:
            form["ProfileName"] = "Sam"
            form["WaId"] = number.lstrip("+")
        signature = validator.compute_signature(f"{PUBLIC}/sms", form)
        lines.append(f"{signature}\t{urllib.parse.urlencode(form)}")
    return "\n".join(lines) + "\n"


class Server:
    def __init__(self, name: str, app: str, workers: int, env: dict, tmp: Path):
        self.name = name
        self.log = open(tmp / f"{name}.log", "w+")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(workers),
                "--pythonpath",
                str(BENCH),
                app,
            ],
            cwd=ROOT,
            env=self._environ(env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = self._wait(workers)

    @staticmethod
    def _environ(env: dict) -> dict:
        environ = {**os.environ, **env}
        environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each server gets its own from gunicorn.conf.py
        return environ

    def _wait(self, workers: int) -> str:
        deadline = time.monotonic() + 120
        url = None
        while time.monotonic() < deadline:
            text = Path(self.log.name).read_text()
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
            url = url or (match and match.group(1))
            if url and text.count("Booting worker") >= workers:
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=30).read()
                    return url
                except OSError:
                    pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not start:\n{Path(self.log.name).read_text()}")

    def workers(self) -> list[str]:
        """The process ids of the master's workers."""
        return subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()

    def worker_cpu_seconds(self) -> float:
        """User and system CPU time of every worker so far."""
        ticks = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_mb(self) -> list[tuple[float, float]]:
        """(resident, proportional) MB of each worker: PSS counts memory shared with the master and the
        other workers (the preloaded app) once, split between them."""
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
            pss = int(re.search(r"Pss:\s+(\d+) kB", rollup).group(1)) / 1024
            sizes.append((rss, pss))
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wrk(url: str, seconds: int, connections: int, threads: int, requests: Path) -> dict:
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(BENCH / "signed.lua"),
            url + "/sms",
            "--",
            str(threads),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_REQUESTS": str(requests)},
        check=True,
    )
    out = result.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "bad": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() * 2 + 1)
    parser.add_argument("--requests", type=int, default=50_000, help="distinct signed requests")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs Debian's wrk")

    tmp = Path(tempfile.mkdtemp(prefix="textline-bench-"))
    requests = tmp / "requests.tsv"
    requests.write_text(signed_requests(args.requests))
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
    servers = {
        "baseline": Server("baseline", "baseline:app", args.workers, env, tmp),
        "webhook": Server("webhook", "wsgi:app", args.workers, env, tmp),
    }
    print(
        f"{args.workers} gunicorn workers each; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
        f"{args.requests} distinct signed requests; {args.rounds} alternating rounds; {os.cpu_count()} cores"
    )
    results = {name: [] for name in servers}
    try:
        for server in servers.values():  # warm up: imports, caches, every locale's pages
            wrk(server.url, 2, args.connections, args.threads, requests)
        for n in range(args.rounds):
            for name in ("baseline", "webhook") if n % 2 == 0 else ("webhook", "baseline"):
                cpu = servers[name].worker_cpu_seconds()
                result = wrk(servers[name].url, args.seconds, args.connections, args.threads, requests)
                cpu = servers[name].worker_cpu_seconds() - cpu
                result["cpu_us"] = cpu / (result["rps"] * args.seconds) * 1e6
                results[name].append(result)
                print(
                    f"  round {n + 1} {name:<8} {result['rps']:8.0f} req/s  p50 {result['p50']:6.2f} ms  "
                    f"p99 {result['p99']:6.2f} ms  worker CPU {result['cpu_us']:5.0f} µs/request"
                    + (f"  NON-2xx {result['bad']}" if result["bad"] else "")
                    + (f"  socket errors: {result['socket_errors']}" if result["socket_errors"] else "")
                )
        rss = servers["webhook"].worker_rss_mb()
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    summary = {
        name: {key: statistics.median(r[key] for r in rounds) for key in ("rps", "p50", "p99", "cpu_us")}
        for name, rounds in results.items()
    }
    base, hook = summary["baseline"], summary["webhook"]
    print("median of rounds:")
    for name, s in summary.items():
        print(
            f"  {name:<8} {s['rps']:8.0f} req/s  p50 {s['p50']:6.2f} ms  p99 {s['p99']:6.2f} ms  "
            f"worker CPU {s['cpu_us']:5.0f} µs/request"
        )
    ratio, p99_ratio = hook["rps"] / base["rps"], hook["p99"] / base["p99"]
    print(f"throughput ratio webhook/baseline: {ratio:.2f}  (target >= 0.75: {'met' if ratio >= 0.75 else 'MISSED'})")
    # The machine's speed drifts between rounds; each round's two runs are next to each other in time.
    paired = sorted(w["rps"] / b["rps"] for w, b in zip(results["webhook"], results["baseline"], strict=True))
    print(f"  each round's own ratio: {', '.join(f'{r:.2f}' for r in paired)} (median {statistics.median(paired):.2f})")
    print(f"worker CPU per request, baseline/webhook: {base['cpu_us'] / hook['cpu_us']:.2f}")
    print(f"p99 ratio webhook/baseline: {p99_ratio:.2f}  (target <= 2: {'met' if p99_ratio <= 2 else 'MISSED'})")
    print(f"webhook worker RSS: {', '.join(f'{r:.1f}' for r, _ in rss)} MB")
    print(
        f"webhook worker PSS: {', '.join(f'{p:.1f}' for _, p in rss)} MB  "
        f"(target < 120 MB each, issue 10: {'met' if rss and max(p for _, p in rss) < 120 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
