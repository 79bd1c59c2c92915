"""The staff pages in a real browser: Debian's Chromium driven by Playwright."""

import csv
import itertools
import os
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import TOKEN
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from service.core.replies import Sender, answer
from service.settings import ROOT

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"
PASSWORD = "staff-password-for-browser-tests"
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_sids = itertools.count(1)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason=f"{CHROMIUM} is not installed (`make test` installs it; apt-get install chromium). "
    "In CI (CI=true) these tests fail instead of skipping.",
)


@pytest.fixture(scope="module")
def server(make_module_app):
    """The real app on a free loopback port, with its own database."""
    app = make_module_app(public_base_url="", admin_password=PASSWORD)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_port}", app)
    httpd.shutdown()
    thread.join(timeout=10)


class Server:
    def __init__(self, url, app):
        self.url = url
        self.app = app
        self.textline = app.extensions["textline"]
        self.validator = RequestValidator(TOKEN)

    def text(self, body, sender="+15551234567", sid=None, **extra) -> int:
        """POST one message to /sms, signed as Twilio signs it; return the status."""
        form = {
            "MessageSid": sid or f"SM{next(_sids):032x}",
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": "+15550001111",
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        signature = self.validator.compute_signature(f"{self.url}/sms", form)
        request = urllib.request.Request(
            f"{self.url}/sms", data=urllib.parse.urlencode(form).encode(), headers={"X-Twilio-Signature": signature}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run must install Debian's chromium")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def context(browser, **options):
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return browser.new_context(
        http_credentials={"username": "staff", "password": PASSWORD}, accept_downloads=True, **options
    )


@pytest.fixture
def page(browser):
    ctx = context(browser)
    yield ctx.new_page()
    ctx.close()


def shot(page, name, full_page=True):
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def chart_total(page, chart_id="by-topic") -> int:
    return int(page.locator(f"#{chart_id}").get_attribute("data-total"))


def test_without_the_password_the_browser_is_refused(browser, server):
    from playwright.sync_api import Error

    for credentials in [None, {"username": "staff", "password": "wrong"}]:
        ctx = browser.new_context(http_credentials=credentials)
        assert ctx.request.get(f"{server.url}/admin").status == 401
        for path in ["/admin", "/admin/content", "/try"]:
            try:  # a headless Chromium either shows the 401 or gives up on the challenge
                assert ctx.new_page().goto(server.url + path).status == 401
            except Error as error:
                assert "ERR_INVALID_AUTH_CREDENTIALS" in error.message
        ctx.close()


def test_the_chart_changes_after_messages_reach_the_webhook(page, server):
    library = server.textline.library.current()
    arabic_meds = library.words("ar", library.content.topics["MEDS"].keywords)[0]
    assert page.goto(f"{server.url}/admin").status == 200
    before = chart_total(page)
    shot(page, "01-usage-before.png")

    sent = [
        ("MEDS", "+15551234567", {}),
        ("meds 2", "+15551234567", {}),
        ("THERAPY", "+15551234567", {}),
        ("TERAPIA", "+5215512345678", {"FromCountry": "MX"}),
        ("MEDS", "whatsapp:+15551234567", {}),
        (arabic_meds, "+201001234567", {"FromCountry": "EG"}),
        ("HELP", "+15551234567", {}),
    ]
    for body, sender, extra in sent:
        assert server.text(body, sender, **extra) == 200
    assert server.text("MEDS", sid="SM" + "d" * 32) == 200
    assert server.text("MEDS", sid="SM" + "d" * 32) == 200  # Twilio redelivers: counted once
    server.textline.counts.flush()

    page.reload()
    assert chart_total(page) == before + len(sent) + 1
    assert chart_total(page, "by-locale") == before + len(sent) + 1
    meds = page.locator('#by-topic rect.bar[data-series="MEDS"]')
    assert sum(int(meds.nth(n).get_attribute("data-count")) for n in range(meds.count())) >= 5
    assert page.locator('#by-locale rect.bar[data-series="ar"]').count() == 1
    assert page.locator('#by-channel rect.bar[data-series="whatsapp"]').get_attribute("data-count") == "1"
    assert page.locator("#totals-channel").get_by_role("row", name="whatsapp").count() == 1
    shot(page, "02-usage-after-messages.png")

    page.get_by_label("Topic", exact=True).select_option("MEDS")
    page.get_by_label("Language", exact=True).select_option("en")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/admin?*topic=MEDS*")
    assert page.locator("#total").inner_text() == "4"  # MEDS, meds 2, WhatsApp MEDS, the redelivered one
    shot(page, "03-usage-filtered-meds-en.png")


def test_the_csv_downloads_with_the_filters(page, server):
    server.text("DOCTOR", "+15551234567", FromCountry="US")
    server.textline.counts.flush()
    page.goto(f"{server.url}/admin?topic=DOCTOR")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    saved = SHOTS.parent / "usage.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename.startswith("textline-usage-")
    with saved.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["day", "topic", "locale", "channel", "count"]
    assert {(r["topic"], r["locale"], r["channel"]) for r in rows} == {("DOCTOR", "en", "sms")}


def test_arabic_pages_are_shown_right_to_left(page, server):
    library = server.textline.library.current()
    arabic = [t for t in library.content.topics if library.topic_pages(t, "ar", "sms").locale == "ar"]
    assert arabic, "no topic is translated into Arabic"
    page.goto(f"{server.url}/admin/content?locale=ar")
    preview = page.locator(f'#ar-{arabic[0]} .preview[lang="ar"]').first
    assert preview.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert preview.inner_text().strip() == library.topic_pages(arabic[0], "ar", "sms").pages[0].strip()
    assert page.locator("#check-status").is_visible()
    shot(page, "04-content-arabic.png")

    page.goto(f"{server.url}/admin/content?locale=en")
    english = page.locator('.preview[lang="en"]').first
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "segment" in page.locator(".pages .meta").first.inner_text()
    shot(page, "05-content-english-top.png", full_page=False)


def test_the_pages_read_on_a_phone(browser, server):
    ctx = context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = ctx.new_page()
    for path, name in [("/admin", "06-usage-phone.png"), ("/try", "07-try-phone.png")]:
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        shot(page, name, full_page=False)
    page.goto(f"{server.url}/admin/content?locale=ar")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.locator("#heading-ar").evaluate("e => e.scrollIntoView()")
    shot(page, "08-content-arabic-phone.png", full_page=False)
    ctx.close()


def test_the_simulator_answers_as_the_webhook_would_and_is_not_counted(page, server):
    library = server.textline.library.current()
    server.textline.counts.flush()
    page.goto(f"{server.url}/admin")
    before = chart_total(page)

    page.goto(f"{server.url}/try")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Country", exact=True).select_option("MX")
    page.get_by_label("Message").fill("DOCTOR")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expected = answer(library, "DOCTOR", Sender("whatsapp", "MX"))
    assert page.locator("#reply").inner_text().strip() == expected.text.strip()
    assert page.locator("#reply-locale").inner_text() == expected.locale == "es"
    assert page.locator("#reply-size").inner_text().startswith("WhatsApp, ")
    assert page.get_by_label("WhatsApp").is_checked()
    shot(page, "09-try-doctor-whatsapp-mx.png")

    arabic_meds = library.words("ar", library.content.topics["MEDS"].keywords)[0]
    page.get_by_label("SMS").check()
    page.get_by_label("Country", exact=True).select_option("EG")
    page.get_by_label("Message").fill(arabic_meds)
    page.get_by_label("Message").press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expected = answer(library, arabic_meds, Sender("sms", "EG"))
    reply = page.locator("#reply")
    assert reply.inner_text().strip() == expected.text.strip()
    assert reply.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "UCS-2" in page.locator("#reply-size").inner_text()
    shot(page, "10-try-arabic-sms.png")

    server.textline.counts.flush()
    page.goto(f"{server.url}/admin")
    assert chart_total(page) == before
