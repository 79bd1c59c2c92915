"""The ``textline`` command: try a text, read the counts, inspect content."""

import csv
import io
import json

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from .counting import usage_rows
from .db import create_tables
from .paging import CHANNELS, SMS, WHATSAPP
from .replies import Sender, answer
from . import catalogs
from .checks import check
from .reports import describe, efficiency, page_table
from .state import textline


def init_app(app: Flask) -> None:
    app.cli.add_command(text_command)
    app.cli.add_command(stats_command)
    app.cli.add_command(content)
    app.cli.add_command(db)
    app.cli.add_command(translations)


def _create_app():
    from . import create_app

    return create_app()


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
    if reply.text is None:
        click.echo("(no reply is sent)")
        return
    click.echo(reply.text)
    click.echo(f"-- {describe(reply.text, channel)}; topic {reply.topic}, locale {reply.locale}, page {reply.page}")


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
@click.option("--topic", help="Only this topic (MEDS, menu, crisis, ...).")
@click.option("--locale", help="Only this locale (en, es, ...).")
@with_appcontext
def stats_command(fmt, since, until, topic, locale):
    """Print the anonymous usage counts."""
    rows = usage_rows(textline().engine, since and since.date(), until and until.date(), topic, locale)
    click.echo(format_rows(rows, fmt), nl=fmt != "csv")


def format_rows(rows: list[dict], fmt: str) -> str:
    columns = ["day", "topic", "locale", "channel", "count"]
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    lines = [f"{'day':<10}  {'topic':<10}  {'locale':<6}  {'channel':<8}  {'count':>7}"]
    lines += [f"{r['day']:<10}  {r['topic']:<10}  {r['locale']:<6}  {r['channel']:<8}  {r['count']:>7}" for r in rows]
    lines.append(f"{'total':<40}  {sum(r['count'] for r in rows):>7}")
    return "\n".join(lines)


@click.group()
def db():
    """Manage the counts database."""


@db.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply the Alembic migrations to the database at DATABASE_URL."""
    from .migrate import revision

    engine = textline().engine
    create_tables(engine)
    click.echo(f"database is up to date (revision {revision(engine)})")


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
    if problems:
        raise SystemExit(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    library = textline().library.current()
    click.echo(f"content and {len(library.locales) - 1} catalogs OK: {len(library.content.topics)} topics, "
               f"{len(library.locales)} locales, every page within budget")


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
    catalogs.update(settings.content_dir, settings.translations_dir)
    click.echo(f"updated {settings.translations_dir / catalogs.TEMPLATE} and every catalog; "
               "run `textline content check` to list what needs translating")


@translations.command("init")
@click.argument("locale")
@with_appcontext
def translations_init(locale):
    """Start a catalog for LOCALE (e.g. `uk`, `pt_BR`) from messages.pot."""
    settings = textline().settings
    try:
        path = catalogs.init(settings.translations_dir, locale)
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
        used, paid = efficiency(library, "en")
        click.echo(f"\nEnglish SMS pages carry text in {used} of {paid} paid characters: {used / paid:.1%}")
