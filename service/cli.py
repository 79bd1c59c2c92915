"""The ``textline`` command: try a text, read the counts, inspect content."""

import atexit
import signal
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.engine import make_url

from .checks import check, review_warnings
from .content import TEMPLATE, authoring
from .core import CHANNELS, SMS, WHATSAPP, ContentError, Sender, answer
from .core.reports import describe, efficiency, page_table
from .counts import format_rows, revision
from .web.state import textline


def init_app(app: Flask) -> None:
    app.cli.add_command(text_command)
    app.cli.add_command(call_command)
    app.cli.add_command(stats_command)
    app.cli.add_command(content)
    app.cli.add_command(db)
    app.cli.add_command(translations)


def _create_app():
    from . import create_app

    try:
        app = create_app()
    except ContentError as error:  # messages.yaml or crisis.yaml broken, with no good version kept
        click.echo(str(error), err=True)
        raise SystemExit("textline cannot start: fix the files named above") from None
    # A supervisor stops `textline run` (and so `make run`) with SIGTERM, a person with Ctrl-C:
    # either way the buffered counts are written before the process goes.
    atexit.register(app.extensions["textline"].close)
    signal.signal(signal.SIGTERM, _exit)
    return app


def _exit(signum, frame):
    raise SystemExit(128 + signum)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """textline: a multilingual SMS information line."""


@click.command("text")
@click.argument("body")
@click.option("--from", "sender", default="+15555550100", show_default=True, help="The sender's number.")
@click.option("--country", default=None, help="Twilio's FromCountry, e.g. MX.")
@click.option("--channel", type=click.Choice(CHANNELS), default=SMS, show_default=True)
@with_appcontext
def text_command(body, sender, country, channel):
    """Print the reply to BODY as a phone would get it (not counted)."""
    sender = sender.removeprefix("whatsapp:")
    if channel == WHATSAPP:
        sender = f"whatsapp:{sender}"
    reply = answer(textline().library.current(), body, Sender.from_twilio(sender, country))
    if not reply.messages:
        click.echo("(no reply is sent)")
        return
    for n, message in enumerate(reply.messages, 1):
        if len(reply.messages) > 1:
            click.echo(f"-- message {n} of {len(reply.messages)}: {describe(message, channel)}")
        click.echo(message)
    click.echo(f"(why: {reply.why})")
    size = describe(reply.messages[0], channel) if len(reply.messages) == 1 else _total(reply.messages, channel)
    click.echo(f"-- {size}; topic {reply.topic}, locale {reply.locale}, page {reply.page}")


def _total(messages: tuple[str, ...], channel: str) -> str:
    """What a reply of several messages costs in all."""
    from .core import segment

    if channel == WHATSAPP:
        return f"WhatsApp, {sum(map(len, messages))} characters in {len(messages)} messages"
    parts = [segment(m) for m in messages]
    encoding = "UCS-2" if any(p.encoding == "UCS-2" for p in parts) else "GSM-7"
    return (
        f"{encoding}, {sum(p.units for p in parts)} units, {sum(p.segments for p in parts)} segments "
        f"in {len(messages)} messages"
    )


def _sqlite_option(command):
    return click.option(
        "--sqlite",
        is_flag=True,
        help="Use the local SQLite file even though TWILIO_AUTH_TOKEN is set (`make run` does).",
    )(command)


def _which_database(sqlite: bool) -> None:
    """Say on stderr which database a command uses; refuse the SQLite default where a production token is
    set (the command was surely meant for the service's database: run it with the service's environment)."""
    settings = textline().settings
    url = make_url(settings.database)
    click.echo(f"database: {url.render_as_string(hide_password=True)}", err=True)
    if settings.twilio_auth_token and not settings.database_url and not sqlite:
        raise click.ClickException(
            "TWILIO_AUTH_TOKEN is set but DATABASE_URL is not: this would use the local SQLite file above, not "
            "the service's database. Run it with the service's environment (docs/DEPLOYING.md), or add --sqlite."
        )


@click.command("call")
@click.option("--country", default="US", show_default=True, help="The caller's country (Twilio's FromCountry).")
@click.option("--digits", default="", help="Keys pressed in turn, comma-separated: 1,1,9 (empty: a silence).")
@with_appcontext
def call_command(country, digits):
    """Print what a caller hears, step by step, pressing DIGITS."""
    from .core.calls import walk

    library = textline().library.current()
    voices = library.content.voices.voices
    keys = [key.strip() for key in digits.split(",")] if digits else []
    steps = walk(library, country.upper() or None, keys)
    for key, step in steps:
        if key is not None:
            click.echo(f"> presses {key or '(nothing)'}")
        for say in step.says:
            voice = voices.get(say.locale)
            click.echo(f"[{say.locale}, {voice.name if voice else 'default voice'}] {say.text}")
        if step.dial:
            click.echo(f"-- connects the call to {step.dial}")
    last = steps[-1][1]
    if last.then:
        click.echo(f"-- waits for a key ({last.then.at})")
    elif not last.dial:
        click.echo("-- hangs up")


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
@click.option("--topic", help="Only this topic (MEDS, menu, crisis, ...).")
@click.option("--locale", help="Only this locale (en, es, ...).")
@_sqlite_option
@with_appcontext
def stats_command(fmt, since, until, topic, locale, sqlite):
    """Print the anonymous usage counts."""
    _which_database(sqlite)
    rows = textline().counts.rows(since and since.date(), until and until.date(), topic, locale)
    click.echo(format_rows(rows, fmt), nl=fmt != "csv")


@click.group()
def db():
    """Manage the counts database."""


@db.command("upgrade")
@_sqlite_option
@with_appcontext
def db_upgrade(sqlite):
    """Apply the Alembic migrations to the database at DATABASE_URL."""
    _which_database(sqlite)
    counts = textline().counts
    counts.upgrade()
    click.echo(f"database is up to date (revision {revision(counts.engine)})")


@click.group()
def content():
    """Check and inspect the content files and catalogs."""


@content.command("check")
@with_appcontext
def check_command():
    """Check content and catalogs; exit non-zero naming file, line and problem."""
    settings = textline().settings
    problems = check(settings.content_dir, settings.translations_dir, settings.default_locale)
    for problem in problems:
        click.echo(str(problem), err=True)
    for warning in review_warnings(settings.content_dir):
        click.echo(f"warning: {warning}", err=True)
    library = textline().library.current()
    click.echo(f"offered: {' '.join(library.locales)}")
    about = next(iter(library.content.topics), None)
    for locale in sorted(library.content.languages.sms_fold & set(library.locales)):
        sample = library.topic_pages(about, locale, SMS).pages[0][:90] if about else ""
        click.echo(
            f"{locale}: SMS pages fold accents to GSM-7, e.g. {sample!r}... "
            f"(every page: textline content preview TOPIC --locale {locale})"
        )
    for locale, missing in library.pending.items():
        click.echo(f"not offered yet: {locale}, which lacks {', '.join(missing)}")
    click.echo(
        "(A language is offered once its menu, HELP, STOP/START replies, crisis replies and crisis "
        "lists are translated and valid.)"
    )
    if problems:
        raise SystemExit(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    click.echo(
        f"content and {len(library.catalogs)} catalogs OK: {len(library.content.topics)} topics, "
        f"{len(library.locales)} locales offered, every page within budget"
    )


@content.command("preview")
@click.argument("topic")
@click.option("--locale", default="en", show_default=True)
@click.option("--channel", type=click.Choice(CHANNELS), default=SMS, show_default=True)
@with_appcontext
def preview_command(topic, locale, channel):
    """Print every page of TOPIC as the phone will show it."""
    library = textline().library.current()
    name = topic.upper()
    if name not in library.content.topics:
        raise click.BadParameter(f"choose one of {', '.join(library.content.topics)}", param_hint="TOPIC")
    if locale not in library.locales:
        raise click.BadParameter(f"choose one of {', '.join(library.locales)}", param_hint="--locale")
    pages = library.topic_pages(name, locale, channel)
    if pages.locale != locale:
        click.echo(f"({locale} translation of {name} is {library.status(name, locale)}: answered in {pages.locale})\n")
    for number, page in enumerate(pages.pages, 1):
        click.echo(f"--- page {number} of {len(pages.pages)}: {describe(page, channel)}")
        click.echo(page)


@click.group()
def translations():
    """Keep the gettext catalogs in step with content/."""


@translations.command("update")
@with_appcontext
def translations_update():
    """Extract content/ into messages.pot and update every catalog (changed entries turn fuzzy)."""
    settings = textline().settings
    authoring.update(settings.content_dir, settings.translations_dir)
    click.echo(
        f"updated {settings.translations_dir / TEMPLATE} and every catalog; "
        "run `textline content check` to list what needs translating"
    )


@translations.command("init")
@click.argument("locale")
@with_appcontext
def translations_init(locale):
    """Start a catalog for LOCALE (e.g. `uk`, `pt_BR`) from messages.pot."""
    settings = textline().settings
    try:
        path = authoring.init(settings.translations_dir, locale)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="LOCALE") from None
    click.echo(f"created {path}: translate it in Poedit, Weblate or a text editor")


@content.command("report")
@click.option("--channel", type=click.Choice(CHANNELS), default=SMS, show_default=True)
@with_appcontext
def report_command(channel):
    """Print pages and segments per topic and locale, and the English fill rate."""
    library = textline().library.current()
    click.echo(page_table(library, channel))
    if channel == SMS:
        folding = " ".join(sorted(library.content.languages.sms_fold))
        click.echo(f"\nWithout folding accents to GSM-7 (as sent before; folded today on SMS: {folding}):")
        click.echo(page_table(library.without_folding(), channel))
        used, paid = efficiency(library, "en")
        click.echo(f"\nEnglish SMS pages carry text in {used} of {paid} paid characters: {used / paid:.1%}")


def _development_set_options(folder: str, cases_help: str):
    """--split, --data and --cases, as the development-set reports share them."""

    def decorate(command):
        command = click.option("--cases/--no-cases", default=True, show_default=True, help=cases_help)(command)
        command = click.option(
            "--data",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help=f"Folder of sets (default tests/data/{folder}).",
        )(command)
        return click.option(
            "--split",
            type=click.Choice(["dev", "frozen", "all"]),
            default="all",
            show_default=True,
            help="The frozen third is held out: the targets apply to it; tune only on dev.",
        )(command)

    return decorate


@content.command("crisis-report")
@_development_set_options("crisis", "List every miss and false alarm.")
@with_appcontext
def crisis_report_command(split, data, cases):
    """Print crisis recall and false alarms per language and tier, on the sets in tests/data/crisis."""
    from .evaluate import DATA, crisis_cases, crisis_report, score_crisis

    scores = score_crisis(textline().library.current(), crisis_cases(data or DATA / "crisis"), split)
    click.echo(f"split: {split} (recall counts both tiers; FA = ordinary texts flagged)")
    click.echo(crisis_report(scores, cases))


@content.command("train-crisis")
@with_appcontext
def train_crisis_command():
    """Fit the crisis backstop on tests/data/crisis_train and the development splits; write it to
    content/crisis_backstop.json (never on a frozen case)."""
    from .content.reader import BACKSTOP_FILE
    from .training import save, train

    settings = textline().settings
    fitted = train(textline().library.current())
    path = settings.content_dir / BACKSTOP_FILE
    save(fitted, path)
    click.echo(
        f"{path}: {len(fitted.weights)} weights from {fitted.examples} examples; threshold {fitted.threshold:.3f}: "
        f"held-out recall {fitted.recall:.1%}, false alarms {fitted.false_alarms:.1%} (tempting ordinary texts)"
    )


@content.command("train-questions")
@with_appcontext
def train_questions_command():
    """Fit each served language's question topic model on its own example questions, paragraphs and questions
    our article does not answer; write them to content/questions_model.json."""
    from .content.reader import TOPIC_MODEL_FILE
    from .training import save_topics, train_topics

    path = textline().settings.content_dir / TOPIC_MODEL_FILE
    data = train_topics(textline().library.current())
    save_topics(data, path)
    terms = sum(len(model["weights"]) for model in data["locales"].values())
    click.echo(f"{path}: {len(data['locales'])} languages, {terms} terms, classes {', '.join(data['classes'])}")


@content.command("ask-report")
@_development_set_options("ask", "List every wrong answer.")
@with_appcontext
def ask_report_command(split, data, cases):
    """Print, per language, the share of questions answered with the right topic, of texts the article does not
    answer rightly given the menu, and of replies in the right language, on the sets in tests/data/ask."""
    from .evaluate import DATA, ask_cases, ask_report, score_ask

    scores = score_ask(textline().library.current(), ask_cases(data or DATA / "ask"), split)
    click.echo(f"split: {split}")
    click.echo(ask_report(scores, cases))
