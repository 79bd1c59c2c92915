"""The phone line: Twilio posts a call to /voice and each key press to /voice/key; both answer TwiML.

Where the caller is travels in the action's query (``core.calls.Place``); nothing is kept between
requests. Each topic heard is counted once per call (a keyed hash of the CallSid and the topic),
on the ``voice`` channel; key presses never pass the SMS flood gate.
"""

import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for
from twilio.twiml.voice_response import Gather, VoiceResponse

from ..core import Sender
from ..core.calls import VOICE, Place, Step, answer_call
from ..counts import CountKey
from .state import textline
from .webhook import twilio_form

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__)
KEY_WAIT = 6  # seconds a menu waits for a key


@bp.post("/voice")
def incoming():
    return _answer(Place(), None)


@bp.post("/voice/key")
def key():
    return _answer(Place.from_query(request.args), "")


def _answer(place: Place, arrived: str | None) -> Response:
    app = textline()
    form = twilio_form(app)
    try:
        library = app.library.current()
        sender = Sender.from_twilio(form.get("From", ""), form.get("FromCountry"))
        digits = form.get("Digits", arrived)
        step = answer_call(library, place, digits, sender.country)
        if step.heard:
            key = CountKey(step.heard, step.then.locale if step.then else place.locale, VOICE)
            app.counts.record(key, f"{form.get('CallSid', '')}:{step.heard}" if form.get("CallSid") else None)
        return _twiml(library, step)
    except Exception as error:  # never a 500 on a call: say goodbye with the crisis line
        log.error("unexpected %s in %s", type(error).__name__, request.path, exc_info=True)
        response = VoiceResponse()
        response.say("Sorry, something went wrong. If you are in crisis, call your local emergency number.")
        response.hangup()
        return Response(str(response), mimetype="text/xml")


def _twiml(library, step: Step) -> Response:
    """The TwiML of ``step``: its sentences in their voices, then a key to wait for (and, if none comes, the
    same place again as a silence), a number to connect to, or the end of the call."""

    def action(place: Place) -> str:
        return f"{url_for('voice.key')}?{urlencode(place.query())}"

    voices = library.content.voices.voices
    response = VoiceResponse()
    holder = response
    if step.then:
        holder = Gather(input="dtmf", num_digits=1, action=action(step.then), method="POST", timeout=KEY_WAIT)
    for say in step.says:
        if say.pause:
            holder.pause(length=say.pause)
        voice = voices.get(say.locale)
        if voice:
            holder.say(say.text, voice=voice.name, language=voice.language)
        else:
            holder.say(say.text)
    if step.then:
        response.append(holder)
        response.redirect(action(step.then), method="POST")
    elif step.dial:
        response.dial(step.dial)
    else:
        response.hangup()
    return Response(str(response), mimetype="text/xml")
