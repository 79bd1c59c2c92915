import contextlib
import itertools
import os
import shutil
import uuid
from xml.etree import ElementTree

import pytest
from sqlalchemy.pool import NullPool
from twilio.request_validator import RequestValidator

from service import create_app
from service.content import load_library
from service.settings import ROOT

TOKEN = "test-auth-token-0123456789abcdef"
BASE_URL = "https://textline.example.org"
_sids = itertools.count(1)


_DATABASE_FIXTURES = {"database_url", "make_module_app"}


def pytest_collection_modifyitems(config, items):
    """With TEXTLINE_TEST_DATABASE_URL (the second run in .ci/run, on PostgreSQL), only the tests that reach the
    counts database through ``database_url`` run: every other test ran the same way in the first run."""
    if not os.environ.get("TEXTLINE_TEST_DATABASE_URL"):
        return
    keep, skip = [], []
    for item in items:
        (keep if _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) else skip).append(item)
    config.hook.pytest_deselected(items=skip)
    items[:] = keep


@pytest.fixture(scope="session")
def library():
    """The shipped content and catalogs, loaded once."""
    return load_library(ROOT / "content", ROOT / "translations", "en")


@contextlib.contextmanager
def _fresh_database(folder):
    """A fresh SQLite file in ``folder``, or a fresh schema on TEXTLINE_TEST_DATABASE_URL's PostgreSQL server."""
    server = os.environ.get("TEXTLINE_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / 'textline.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path):
    """A fresh SQLite file, or a fresh schema on TEXTLINE_TEST_DATABASE_URL's PostgreSQL server."""
    with _fresh_database(tmp_path) as url:
        yield url


@contextlib.contextmanager
def _app_factory(database_url, instance_dir):
    """``make(**config)``: create_app with the test settings, ``config`` overriding them; every app made
    is closed (counts flushed), its counts dropped and its engine disposed at the end."""
    apps = []

    def make(**config):
        values = {
            "twilio_auth_token": TOKEN,
            "public_base_url": BASE_URL,
            "database_url": database_url,
            "default_locale": "en",
            "instance_dir": instance_dir,  # last good content files: never the checkout's instance/
        }
        app = create_app(values | config)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    try:
        yield make
    finally:
        for app in apps:
            textline = app.extensions["textline"]
            textline.close()
            _drop_counts(textline.counts.engine)
            textline.counts.dispose()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app: ``make_app(admin_password=..., twilio_auth_token="", content_dir=...)``."""
    with _app_factory(database_url, tmp_path / "instance") as make:
        yield make


@pytest.fixture(scope="module")
def make_module_app(tmp_path_factory):
    """``make_app`` for apps shared by a whole module (building one takes a fifth of a second)."""
    folder = tmp_path_factory.mktemp("module-app")
    with _fresh_database(folder) as url, _app_factory(url, folder / "instance") as make:
        yield make


@pytest.fixture
def app(make_app):
    return make_app()


def _drop_counts(engine):
    from sqlalchemy import inspect

    from service.counts.tables import metadata

    if engine.dialect.name == "postgresql":  # the shared test server is reused
        with engine.begin() as conn:
            present = set(inspect(conn).get_table_names())  # the first flush makes them: maybe never
            for table in reversed(metadata.sorted_tables):
                if table.name in present:
                    conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Twilio:
    """Post to /sms exactly as Twilio would, signature included."""

    def __init__(self, client, token=TOKEN, base_url=BASE_URL):
        self.client = client
        self.validator = RequestValidator(token)
        self.base_url = base_url

    def form(self, body, sender="+15551234567", **extra):
        form = {
            "MessageSid": f"SM{next(_sids):032x}",
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": "+15550001111",
            "Body": body,
            "NumMedia": "0",
        }
        if "FromCountry" not in extra and not sender.startswith("whatsapp:") and sender.startswith("+1"):
            form["FromCountry"] = "US"
        form.update({k: v for k, v in extra.items() if v is not None})
        return form

    def post(self, body, sender="+15551234567", signature=None, url=None, **extra):
        form = self.form(body, sender, **extra)
        return self.post_form(form, signature=signature, url=url)

    def post_form(self, form, signature=None, url=None):
        if signature is None:
            signature = self.validator.compute_signature(url or f"{self.base_url}/sms", form)
        return self.client.post("/sms", data=form, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def twilio(client):
    return Twilio(client)


def message_text(response) -> str | None:
    """The text of the one <Message> in a TwiML response, or None for <Response/>."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else None


@pytest.fixture
def content_copy(tmp_path):
    """A private copy of content/ and translations/ that a test may edit."""
    for name in ("content", "translations"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
