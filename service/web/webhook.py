"""Twilio's webhook and the health check: parse, call the core, answer TwiML."""

import logging
import re
from urllib.parse import parse_qsl, unquote_to_bytes
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, abort, request
from twilio.request_validator import get_signature_algorithm
from werkzeug.datastructures import MultiDict
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
    app = textline()
    form = twilio_form(app)
    try:
        return _reply(app, form)
    except Exception as error:  # never a 500 for Twilio: the menu still goes out
        return _menu_after(error)


def twilio_form(app):
    """The form Twilio posted, once it is well formed (else 400) and signed (else 403)."""
    raw = request.get_data(cache=True)
    if not _well_formed(raw):
        abort(400)
    form = _form(raw)
    if app.settings.twilio_auth_token:
        if not _signed(app.settings, form):
            abort(403)
    elif not app.warned_unsigned:
        app.warned_unsigned = True
        log.warning("TWILIO_AUTH_TOKEN is not set: this webhook accepts UNSIGNED requests. Local trials only.")
    return form


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
    if not messages:
        return Response('<?xml version="1.0" encoding="UTF-8"?><Response />', mimetype="text/xml")
    body = "".join(f"<Message>{xml_escape(text)}</Message>" if text else "<Message />" for text in messages)
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', mimetype="text/xml")


_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def _well_formed(raw: bytes) -> bool:
    """A form body Twilio could have sent: valid %-escapes that decode to UTF-8."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return True  # nothing is read from it
    if _BAD_ESCAPE.search(raw):
        return False
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _form(raw: bytes):
    """The posted form; parsed directly, as werkzeug's request.form costs 100 µs more a request."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return request.form
    return MultiDict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def _signed(settings, form) -> bool:
    """Check X-Twilio-Signature against the URL Twilio called."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if settings.public_base_url:
        query = request.query_string.decode("latin-1")
        url = settings.public_base_url + request.path + (f"?{query}" if query else "")
    else:
        url = request.url
    algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
    return signature_check.valid(settings.twilio_auth_token, url, form, signature, algorithm)
