"""gunicorn settings for textline; ``gunicorn wsgi:app`` reads this file from the working directory.

Every value can be overridden on the command line (``--workers 4``,
``--bind 0.0.0.0:8000``) or with ``GUNICORN_CMD_ARGS``.
"""

import gc
import logging
import multiprocessing
import os
import shutil
import tempfile
import traceback

from service.settings import Settings

settings = Settings.from_env()

# Behind a TLS proxy on the same host; use --bind 0.0.0.0:PORT in a container.
bind = [f"127.0.0.1:{settings.port or 8000}"]

# Answering is CPU work with no I/O on the request path (counts are written by
# a background thread), so a few processes per core keep every core busy.
workers = settings.web_concurrency or multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"

# Twilio gives up after 15 s; a worker stuck for 10 s is replaced well before.
timeout = 10
graceful_timeout = 10  # time to finish requests and flush the counts on SIGTERM
keepalive = 5  # the proxy in front reuses connections
control_socket_disable = True  # gunicorn >= 24: no shared ~/.gunicorn socket between instances

# Request lines carry neither the body nor the query string: no phone numbers,
# no message text, no ProfileName ever reach the log.
access_log_format = "method=%(m)s path=%(U)s status=%(s)s bytes=%(B)s ms=%(M)s"


class OneLineFormatter(logging.Formatter):
    """``key=value`` on one line; errors as exception types and code locations, never their text."""

    def format(self, record: logging.LogRecord) -> str:
        head = (
            f"time={self.formatTime(record, '%Y-%m-%dT%H:%M:%S%z')} level={record.levelname.lower()} "
            f"logger={record.name} pid={record.process}"
        )
        message = record.getMessage()
        if record.name == "gunicorn.access":
            line = f"{head} {message}"
        else:
            line = f"{head} msg={_quote(message)}"
        if record.exc_info and record.exc_info[0] is not None:
            line += " " + _error(record.exc_info[1])
        elif record.exc_text:  # already reduced by service.logs: frames, no message
            line += f" traceback={_quote(record.exc_text)}"
        return line


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _error(error: BaseException) -> str:
    """The exception chain's types and frames, leaving out messages that could quote a request."""
    types, frames = [], []
    while error is not None:
        types.append(type(error).__name__)
        frames = [
            f"{os.path.basename(f.filename)}:{f.lineno}:{f.name}" for f in traceback.extract_tb(error.__traceback__)
        ] or frames
        error = error.__cause__ or error.__context__
    return f"error={'<'.join(types)} where={'>'.join(frames[-6:])}"


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": OneLineFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        "alembic": {"level": "WARNING"},  # service.migrate logs the one line that matters
    },
}

# Prometheus metrics from every worker: each writes its own files here and
# /metrics adds them up. Set before any worker imports prometheus_client, and
# only when the master first reads this file (a HUP reload reads it again and
# must keep the running workers' files).
if not os.environ.get("_TEXTLINE_METRICS_READY"):
    os.environ["_TEXTLINE_METRICS_READY"] = "1"
    if not settings.metrics_dir:  # prometheus_client reads the variable itself, in every worker
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="textline-metrics-")
        os.environ["_TEXTLINE_METRICS_TEMPORARY"] = "1"
    else:
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        for _name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):  # counts of a previous run
            if _name.endswith(".db"):
                os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], _name))


# Load the app (catalogs, pages, crisis and language indexes) once, in the master: workers share
# its memory instead of each building their own.
preload_app = True


def when_ready(server):
    """Move the preloaded app out of the garbage collector's sight before workers fork.

    Those objects live as long as the workers; frozen, no collection walks
    them (throughput, tail latency) or writes to their pages (shared memory).
    """
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    """Start the worker's count flusher, which takes up counts a stopped worker had to spool."""
    textline = getattr(worker, "wsgi", None) and worker.wsgi.extensions.get("textline")
    if textline is not None:
        textline.counts.start()


def worker_exit(server, worker):
    """Write the worker's buffered counts and metrics before it goes (SIGTERM, SIGQUIT, max-requests)."""
    textline = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("textline")
    if textline is not None:
        from service.web import metrics

        metrics.publish()
        textline.close()
        if textline.counts.pending:
            server.log.error(
                "worker %s exits with %d counts unwritten (database unreachable)", worker.pid, textline.counts.pending
            )


def child_exit(server, worker):
    """Drop the gone worker's live gauges (pending counts); its counters keep adding up."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("_TEXTLINE_METRICS_TEMPORARY"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
