"""The baseline for `make bench`: bare Flask answering every POST /sms with one constant TwiML reply."""

from flask import Flask, Response

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Message>MEDS: antidepressants help many people. '
    "Reply MEDS 2 for more</Message></Response>"
)

app = Flask(__name__)


@app.post("/sms")
def sms():
    return Response(TWIML, mimetype="text/xml")


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
