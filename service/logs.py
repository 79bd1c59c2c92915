"""Logging that never carries a phone number, a profile name or a message body.

Every log record made in the process, by our code, Flask, werkzeug or
gunicorn, passes through one record factory before any handler sees it:

- an exception is kept as its type and the code locations it passed through;
  its message, which may quote a form value, is withheld;
- query strings are cut from request lines (werkzeug's and gunicorn's access
  logs), werkzeug's access lines lose the client address, and runs of digits
  that look like phone numbers are masked.

Request forms are never logged by the service itself; this is the net below.
"""

import functools
import logging
import re
import sys
import traceback

_PHONE = re.compile(r"(?<!\d)\+?\d{7,}(?!\d)")  # E.164 numbers as Twilio sends them
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_CLIENT = re.compile(r"^\S+(?= - - \[)")  # werkzeug's access lines start with the client address
_QUERY_ATOMS = re.compile(r"%\([rq]\)|\{(raw_uri|query_string)\}e")  # gunicorn's request line and query
_installed = False


def configure() -> None:
    """Install the redacting record factory, and a stderr handler if nothing else logs."""
    global _installed
    if not _installed:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            return redact(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
    root = logging.getLogger()
    if not root.handlers:  # `textline` commands and bare servers: warnings and errors to stderr
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)


def redact(record: logging.LogRecord) -> logging.LogRecord:
    """Make ``record`` safe to write anywhere."""
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = safe_traceback(*record.exc_info)
        record.exc_info = None
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        if not _quotes_query(str(record.msg)):  # the usual format: method, path, status, size, time
            return record
        atoms = dict(record.args)
        for name in ("r", "q", "{raw_uri}e", "{query_string}e"):
            if name in atoms:
                atoms[name] = "" if name in ("q", "{query_string}e") else strip_queries(str(atoms[name]))
        record.args = atoms
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep only the template
        message = str(record.msg)
    if record.name == "werkzeug":
        message = _CLIENT.sub("-", message)
    record.msg, record.args = scrub(message), None
    return record


@functools.lru_cache(maxsize=8)
def _quotes_query(access_log_format: str) -> bool:
    """Whether gunicorn's access log format writes a request line or query string (which may hold a number)."""
    return _QUERY_ATOMS.search(access_log_format) is not None


def scrub(text: str) -> str:
    """Cut query strings and mask phone-number-like digit runs."""
    return _PHONE.sub("[number]", strip_queries(text))


def strip_queries(text: str) -> str:
    return _QUERY.sub(r"\1", text)


def safe_traceback(exc_type, exc, tb) -> str:
    """A traceback with every frame but no exception message (messages can quote input)."""
    lines = []
    seen = set()
    current: traceback.TracebackException | None = traceback.TracebackException(exc_type, exc, tb, capture_locals=False)
    chain = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for n, item in enumerate(reversed(chain)):
        if n:
            lines.append("\nDuring handling of the above exception, another exception occurred:\n")
        lines.append("Traceback (most recent call last):")
        for frame in item.stack:
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        name = getattr(item, "exc_type_str", None) or _qualified(item.exc_type)
        lines.append(f"{name}: (message withheld: it may quote a request)")
    return "\n".join(lines)


def _qualified(exc_type) -> str:
    if exc_type is None:
        return "Exception"
    module = exc_type.__module__
    return exc_type.__qualname__ if module in ("builtins", "__main__") else f"{module}.{exc_type.__qualname__}"
