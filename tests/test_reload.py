import threading
import time
import urllib.parse
import urllib.request

import pytest
from conftest import message_text
from werkzeug.serving import make_server


@pytest.fixture
def served(content_copy, make_app):
    """The real app, unsigned, served over HTTP from an editable copy of the content."""
    app = make_app(
        content_dir=content_copy / "content",
        translations_dir=content_copy / "translations",
        twilio_auth_token="",
        reload_interval=0.2,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", content_copy
    server.shutdown()


class Reply:
    def __init__(self, body, status):
        self.data, self.status_code, self.mimetype = body, status, "text/xml"


def text_me(url, body):
    data = urllib.parse.urlencode({"Body": body, "From": "+15551234567", "FromCountry": "US"}).encode()
    with urllib.request.urlopen(f"{url}/sms", data=data, timeout=10) as response:
        return message_text(Reply(response.read(), response.status))


def eventually(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_edited_content_goes_live_and_a_broken_edit_keeps_the_old(served):
    url, tree = served
    about = tree / "content" / "about.yaml"
    original = about.read_text()
    assert "Doctors diagnose" in text_me(url, "ABOUT")

    about.write_text(original.replace("Doctors diagnose", "Clinicians diagnose"))
    assert eventually(lambda: "Clinicians diagnose" in text_me(url, "ABOUT"))

    about.write_text("keyword: ABOUT\nparagraphs: [unclosed\n")
    time.sleep(1.0)  # several reload intervals
    assert "Clinicians diagnose" in text_me(url, "ABOUT")

    about.write_text(original)
    assert eventually(lambda: "Doctors diagnose" in text_me(url, "ABOUT"))


def test_edited_catalog_goes_live(served):
    url, tree = served
    po = tree / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    assert "Reviewing" not in text_me(url, "MEDS ES")
    text = po.read_text()
    assert text.count("Revisar tus medicamentos") == 1
    po.write_text(text.replace("Revisar tus medicamentos", "REVISAR-EDITADO tus medicamentos"))
    assert eventually(lambda: "REVISAR-EDITADO" in text_me(url, "MEDS ES"))
