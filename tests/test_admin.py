import base64
import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest

from service.core import Problem
from service.counts import CountKey
from service.web.admin import chart, place_problems

PASSWORD = "correct horse battery staple"
PAGES = ["/admin", "/admin/usage.csv", "/admin/content", "/try", "/admin/static/admin.css"]


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


STAFF = basic("staff", PASSWORD)


@pytest.fixture
def admin_app(make_app):
    return make_app(admin_password=PASSWORD, public_base_url="")


@pytest.fixture
def staff(admin_app):
    return admin_app.test_client()


@pytest.fixture(scope="module")
def reader(make_module_app):
    """One app for the tests that only read pages, to keep them fast."""
    return make_module_app(admin_password=PASSWORD, public_base_url="").test_client()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("staff", "wrong"),
        basic("staff", PASSWORD[:-1]),
        basic("staff", PASSWORD + "x"),
        {"Authorization": "Bearer " + PASSWORD},
    ],
    ids=["none", "wrong", "prefix", "longer", "bearer"],
)
def test_missing_or_wrong_credentials_get_401(reader, path, headers):
    response = reader.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="textline staff"')
    assert b"<html" not in response.data


def test_the_simulator_form_also_needs_credentials(reader):
    assert reader.post("/try", data={"body": "MEDS"}).status_code == 401


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("user", ["staff", "", "anyone"])
def test_any_user_name_with_the_password_gets_in(reader, path, user):
    with reader.get(path, headers=basic(user, PASSWORD)) as response:  # closed: the CSS is an open file
        assert response.status_code == 200


@pytest.fixture(scope="module")
def closed(make_module_app):
    return make_module_app(admin_password="", public_base_url="").test_client()


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_404_while_no_password_is_set(closed, path):
    assert closed.get(path).status_code == 404
    assert closed.get(path, headers=basic("staff", "")).status_code == 404
    assert closed.post(path, headers=basic("staff", "")).status_code in (404, 405)


def test_webhook_and_health_need_no_staff_password(reader):
    assert reader.get("/healthz").status_code == 200


def test_usage_shows_counts_and_totals(staff, admin_app):
    counts = admin_app.extensions["textline"].counts
    for topic, locale, channel in [("MEDS", "en", "sms"), ("MEDS", "en", "sms"), ("THERAPY", "es", "whatsapp")]:
        counts.record(CountKey(topic, locale, channel, False), None)
    counts.flush()
    html = staff.get("/admin", headers=STAFF).get_data(as_text=True)
    assert re.search(r'id="total">3<', html)
    assert 'data-series="MEDS" data-count="2"' in html
    assert 'data-series="es" data-count="1"' in html
    assert "https://" not in html and "http://" not in html  # no external resource
    filtered = staff.get("/admin?topic=THERAPY", headers=STAFF).get_data(as_text=True)
    assert re.search(r'id="total">1<', filtered)
    empty = staff.get("/admin?since=2001-01-01&until=2001-01-31", headers=STAFF).get_data(as_text=True)
    assert re.search(r'id="total">0<', empty)
    assert "No messages in this range." in empty


def test_usage_shows_how_messages_were_understood_per_day_and_language(staff, admin_app):
    counts = admin_app.extensions["textline"].counts
    for answered_by in ["keyword", "keyword", "question", "not_understood"]:
        counts.record(CountKey("MEDS", "es", "sms", False, answered_by), None)
    counts.record(CountKey("crisis", "es", "sms", False, ""), None)  # not an answer: not in the table
    counts.flush()
    html = staff.get("/admin?locale=es", headers=STAFF).get_data(as_text=True)
    table = html[html.index('<table id="understood">') :]
    table = table[: table.index("</table>")]
    row = re.search(r"<tr><th scope=\"row\">\d{4}-\d\d-\d\d</th><td>es</td>(.*?)</tr>", table, re.S)
    assert row, table
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["2", "1", "1"]


def test_csv_has_the_columns_and_follows_the_filters(staff, admin_app):
    counts = admin_app.extensions["textline"].counts
    for topic, locale in [("MEDS", "en"), ("MEDS", "ar"), ("menu", "en")]:
        counts.record(CountKey(topic, locale, "sms", False), None)
    counts.flush()
    response = staff.get("/admin/usage.csv?locale=en", headers=STAFF)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert rows == [
        {"day": today, "topic": "MEDS", "locale": "en", "channel": "sms", "count": "1"},
        {"day": today, "topic": "menu", "locale": "en", "channel": "sms", "count": "1"},
    ]


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "until=2020-13-01", "since=2025-02-01&until=2025-01-01", "since=1990-01-01&until=2025-01-01"],
)
def test_odd_date_filters_are_explained_not_errors(reader, query):
    response = reader.get(f"/admin?{query}", headers=STAFF)
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)
    assert reader.get(f"/admin/usage.csv?{query}", headers=STAFF).status_code == 200


class Previews(HTMLParser):
    """Collect the text of every page preview with its attributes."""

    def __init__(self):
        super().__init__()
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "preview" in (attrs.get("class") or "").split():
            self._open = [attrs, ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == "div":
            self.found.append(tuple(self._open))
            self._open = None


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_content_shows_every_page_of_every_topic_in_every_locale(reader, channel):
    library = reader.application.extensions["textline"].library.current()
    html = reader.get(f"/admin/content?channel={channel}", headers=STAFF).get_data(as_text=True)
    parser = Previews()
    parser.feed(html)
    expected = [
        (pages.locale, text)
        for locale in library.locales
        for topic in library.content.topics
        for pages in [library.topic_pages(topic, locale, channel)]
        for text in pages.pages
    ]
    assert [(attrs["lang"], text) for attrs, text in parser.found] == expected
    assert all(attrs["dir"] == "auto" for attrs, _ in parser.found)
    assert ("segments" if channel == "sms" else "WhatsApp,") in html


def test_content_shows_translation_status_and_fallback(reader):
    library = reader.application.extensions["textline"].library.current()
    html = reader.get("/admin/content?locale=ar", headers=STAFF).get_data(as_text=True)
    for topic in library.content.topics:
        status = library.status(topic, "ar")
        assert re.search(rf'id="ar-{topic}">\s*<h3>{topic} <span class="status {status}">{status}</span>', html)
        if library.topic_pages(topic, "ar", "sms").locale != "ar":
            assert "answered in" in html


def test_content_check_result_is_shown(reader):
    library = reader.application.extensions["textline"].library.current()
    html = reader.get("/admin/content", headers=STAFF).get_data(as_text=True)
    assert 'id="check-status"' in html
    assert not library.problems and "No problems in what is serving." in html


def test_problems_are_placed_next_to_their_topic_and_locale(library):
    po = "translations/ar/LC_MESSAGES/messages.po"
    meds_file = library.content.topics["MEDS"].title.path
    problems = [
        Problem(meds_file, 4, "too long", topic="MEDS"),
        Problem(po, 4, "placeholder", "ar", "MEDS"),
        Problem(po, 8, "menu problem", "ar"),
        Problem("content/messages.yaml", 2, "elsewhere"),
    ]
    placed, unplaced = place_problems(problems, library)
    assert placed == {("en", "MEDS"): [problems[0]], ("ar", "MEDS"): [problems[1]], ("ar", None): [problems[2]]}
    assert unplaced == [problems[3]]


@pytest.mark.parametrize(
    "form, reply_locale, topic",
    [
        ({"channel": "sms", "country": "US", "body": "MEDS"}, "en", "MEDS"),
        ({"channel": "whatsapp", "country": "", "body": "meds es"}, "es", "MEDS"),
        ({"channel": "sms", "country": "US", "other_country": "", "body": "hello?"}, "en", "unknown"),
    ],
)
def test_simulator_answers_like_the_webhook_without_counting(staff, admin_app, twilio_for, form, reply_locale, topic):
    html = staff.post("/try", data=form, headers=STAFF).get_data(as_text=True)
    sender = "whatsapp:+15551234567" if form["channel"] == "whatsapp" else "+15551234567"
    expected = twilio_for(admin_app).reply(form["body"], sender, FromCountry=form["country"] or None)
    parser = Previews()
    parser.feed(html)
    assert [text for _, text in parser.found] == [expected]
    assert f'id="reply-locale">{reply_locale}<' in html
    assert f'id="reply-topic">{topic}<' in html
    admin_app.extensions["textline"].counts.flush()
    simulated = staff.get("/admin", headers=STAFF).get_data(as_text=True)
    assert re.search(r'id="total">1<', simulated)  # the webhook's one message, not the simulator's


def test_simulator_country_typed_in_wins_and_is_checked(reader):
    staff = reader
    html = staff.post(
        "/try", data={"channel": "sms", "country": "US", "other_country": "mx", "body": "DOCTOR"}, headers=STAFF
    ).get_data(as_text=True)
    assert 'id="reply-locale">es<' in html
    bad = staff.post("/try", data={"channel": "sms", "other_country": "Mexico", "body": "DOCTOR"}, headers=STAFF)
    assert bad.status_code == 200
    assert "is not a two-letter country code" in bad.get_data(as_text=True)


def test_simulator_shows_when_nothing_is_sent(reader):
    html = reader.post("/try", data={"channel": "sms", "body": "STOP"}, headers=STAFF).get_data(as_text=True)
    assert 'id="reply-topic">stop<' in html


@pytest.fixture
def twilio_for():
    from conftest import Twilio, message_text

    class Reply(Twilio):
        def reply(self, body, sender, **extra):
            return message_text(self.post(body, sender, **extra))

    return lambda app: Reply(app.test_client(), base_url="http://localhost")


def test_chart_stacks_per_day_and_scales_to_a_round_peak():
    days = [dt.date(2025, 1, 1), dt.date(2025, 1, 2)]
    rows = [
        {"day": "2025-01-01", "topic": "MEDS", "locale": "en", "channel": "sms", "count": 3},
        {"day": "2025-01-01", "topic": "HELP", "locale": "en", "channel": "sms", "count": 4},
        {"day": "2025-01-02", "topic": "MEDS", "locale": "es", "channel": "sms", "count": 1},
    ]
    c = chart(rows, days, "topic", ["MEDS", "HELP"])
    assert c.total == 8
    assert [t[1] for t in c.ticks] == [0, 2, 4, 6, 8, 10]
    first_day = [b for b in c.bars if b.label.startswith("2025-01-01")]
    assert sum(b.height for b in first_day) == pytest.approx(c.plot_height * 7 / 10)
    assert [(name, total) for name, _, total in c.legend] == [("MEDS", 4), ("HELP", 4)]
    assert c.table == (("2025-01-01", (3, 4), 7), ("2025-01-02", (1, 0), 1))
