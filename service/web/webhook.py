"""Twilio's webhook and the health check: parse, call the core, answer TwiML."""

import codecs
import functools
import logging
import re
import time
from urllib.parse import unquote_to_bytes
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Request, Response, abort, current_app, request
from twilio.request_validator import get_signature_algorithm
from werkzeug.exceptions import HTTPException

from ..core import CRISIS, CRISIS_SOFT, SMS, START, STOP, Sender, answer, needs
from ..counts import CountKey
from . import flood, metrics
from . import signature as signature_check
from .state import textline

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


@bp.post("/sms")
def sms():
    started = time.perf_counter()
    app = textline()
    try:
        form = twilio_form(app)
    except HTTPException as refused:  # malformed, unsigned, too large
        metrics.unanswered(refused.code or 400)
        metrics.timed(started, app)
        raise
    try:
        response = _reply(app, form)
    except Exception as error:  # never a 500 for Twilio: the menu still goes out
        metrics.unanswered(500)
        response = _menu_after(error)
    metrics.timed(started, app)
    return response


def twilio_form(app) -> dict[str, str]:
    """The form Twilio posted (first value of each field), once it is well formed (else 400) and signed
    (else 403)."""
    asked = request._get_current_object()  # type: ignore[attr-defined]  # once, not through the proxy each time
    environ = asked.environ
    if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        pairs = parse_form(_body(asked))
        if pairs is None:
            abort(400)
    else:
        pairs = list(asked.form.items(multi=True))
    form = dict(reversed(pairs))  # the first value of each field
    if app.settings.twilio_auth_token:
        if not _signed(app.settings, asked, form if len(form) == len(pairs) else pairs):
            abort(403)
    elif not app.warned_unsigned:
        app.warned_unsigned = True
        log.warning("TWILIO_AUTH_TOKEN is not set: this webhook accepts UNSIGNED requests. Local trials only.")
    return form


def _body(asked: Request) -> bytes:
    """The request body, read straight from the server's input when its length is given (Twilio always gives
    it; werkzeug's wrapped stream costs a tenth of a request), else through werkzeug. Over the cap: 413."""
    environ = asked.environ
    length = environ.get("CONTENT_LENGTH")
    if not length or not length.isdigit():
        return asked.get_data(cache=True)
    cap = current_app.config.get("MAX_CONTENT_LENGTH")
    if cap is not None and int(length) > cap:
        abort(413)
    return environ["wsgi.input"].read(int(length))


def _reply(app, form) -> Response:
    sender = Sender.from_twilio(form.get("From", ""), form.get("FromCountry"))
    library = app.library.current()
    reply = answer(library, form.get("Body", ""), sender, opted_out_by_twilio=bool(form.get("OptOutType")))
    if reply.topic not in (STOP, START):  # carrier words are always honoured
        verdict = app.flood.check(form.get("From", ""), urgent=reply.topic in (CRISIS, CRISIS_SOFT))
        if verdict != flood.ALLOW:
            metrics.message(reply, sender.channel, "limited")
            if verdict == flood.SILENT:
                return twiml(())
            log.warning("one sender passed %d messages a minute: slowed down", app.flood.limit)
            slow_down = library.message(needs.SLOW_DOWN, reply.locale)
            return twiml((library.for_channel(reply.locale, sender.channel, slow_down),))
    key = CountKey(reply.topic, reply.locale, sender.channel, reply.page > 1, reply.answered_by)
    app.counts.record(key, form.get("MessageSid"))
    metrics.message(reply, sender.channel)
    return twiml(reply.messages)


def _menu_after(error: Exception) -> Response:
    log.error(
        "unexpected %s in /sms; answered with the menu",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__),
    )
    try:
        library = textline().library.current()
        return twiml((library.menu_pages(library.default_locale, SMS, None).pages[0],))
    except Exception:
        log.error("the menu could not be built either; answered with nothing")
        return twiml(())


@bp.app_errorhandler(HTTPException)
def plain_error(error: HTTPException):
    """4xx and 5xx as one short line of plain text, keeping headers such as Allow."""
    response = error.get_response()
    response.set_data(f"{error.code} {error.name}\n")
    response.mimetype = "text/plain"
    return response


@bp.get("/healthz")
def healthz():
    textline().library.current()
    return {"status": "ok"}


def twiml(messages: tuple[str, ...]) -> Response:
    """The TwiML twilio's MessagingResponse writes, one <Message> each, built without ElementTree (50 µs a reply)."""
    return Response(_twiml_bytes(messages), content_type="text/xml; charset=utf-8")


@functools.lru_cache(maxsize=1024)  # replies are our own texts, and the same pages go out again and again
def _twiml_bytes(messages: tuple[str, ...]) -> bytes:
    if not messages:
        return b'<?xml version="1.0" encoding="UTF-8"?><Response />'
    body = "".join(f"<Message>{xml_escape(text)}</Message>" if text else "<Message />" for text in messages)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'.encode()


_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def parse_form(raw: bytes) -> list[tuple[str, str]] | None:
    """The (name, value) pairs of a form body, as ``parse_qsl`` gives them at a third of its cost (most
    fields need no unquoting); None unless Twilio could have sent it: valid %-escapes, UTF-8 throughout."""
    if _BAD_ESCAPE.search(raw):
        return None
    try:
        pairs = []
        for field in raw.decode("utf-8").split("&"):
            if not field:
                continue
            name, _, value = field.partition("=")
            if "%" in name or "+" in name:
                name = _unquote(name)
            if "%" in value or "+" in value:
                value = _unquote(value)
            pairs.append((name, value))
    except UnicodeDecodeError:
        return None
    return pairs


def _unquote(text: str) -> str:
    """``+`` as a space and each %-escape as its byte, UTF-8 decoded: by ``codecs.escape_decode`` (in C) with
    every ``%`` made ``\\x``, unless the text holds a raw backslash (Twilio never sends one)."""
    text = text.replace("+", " ")
    if "\\" in text:
        return unquote_to_bytes(text).decode("utf-8")
    return codecs.escape_decode(text.replace("%", "\\x").encode("utf-8"))[0].decode("utf-8")


def _signed(settings, asked: Request, form: dict[str, str] | list[tuple[str, str]]) -> bool:
    """Check X-Twilio-Signature against the URL Twilio called (``form``: the fields, or the pairs as posted
    when a name comes more than once)."""
    environ = asked.environ
    if settings.public_base_url:
        query = asked.query_string.decode("latin-1")
        url = settings.public_base_url + asked.path + (f"?{query}" if query else "")
    else:
        url = asked.url
    named = environ.get("HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS")
    algorithm = get_signature_algorithm(named) if named else None  # none: the Auth Token's HMAC_SHA1
    signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    return signature_check.valid(settings.twilio_auth_token, url, form, signature, algorithm)
