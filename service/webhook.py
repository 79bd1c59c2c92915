"""Twilio's webhook and the health check: parse, call the core, answer TwiML."""

import logging

from flask import Blueprint, Response, abort, request
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from . import metrics
from .replies import Sender, answer
from .state import textline

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


@bp.post("/sms")
def sms():
    app = textline()
    if app.settings.twilio_auth_token:
        if not _signed(app.settings):
            abort(403)
    elif not app.warned_unsigned:
        app.warned_unsigned = True
        log.warning("TWILIO_AUTH_TOKEN is not set: this webhook accepts UNSIGNED requests. Local trials only.")
    form = request.form
    sender = Sender.from_twilio(form.get("From", ""), form.get("FromCountry"))
    reply = answer(app.library.current(), form.get("Body", ""), sender,
                   opted_out_by_twilio=bool(form.get("OptOutType")))
    app.counter.record(reply.topic, reply.locale, sender.channel, reply.page, form.get("MessageSid"))
    metrics.message(reply, sender.channel)
    return twiml(reply.text)


@bp.get("/healthz")
def healthz():
    textline().library.current()
    return {"status": "ok"}


def twiml(text: str | None) -> Response:
    response = MessagingResponse()
    if text is not None:
        response.message(text)
    return Response(str(response), mimetype="text/xml")


def _signed(settings) -> bool:
    """Check X-Twilio-Signature against the URL Twilio called."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    url = request.url
    if settings.public_base_url:
        query = request.query_string.decode("latin-1")
        url = settings.public_base_url + request.path + (f"?{query}" if query else "")
    algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
    return RequestValidator(settings.twilio_auth_token).validate(url, request.form, signature, algorithm)
