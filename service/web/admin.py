"""Staff pages: usage counts with a chart, every reply page previewed, a texting simulator."""

import datetime as dt
import hmac
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request

from ..core import (
    CHANNELS,
    CRISIS,
    CRISIS_SOFT,
    HELP,
    MENU,
    SMS,
    SOURCE_LOCALE,
    START,
    STOP,
    UNDERSTOOD,
    UNKNOWN,
    Problem,
    Sender,
    answer,
)
from ..core.calls import VOICE
from ..core.reports import describe
from ..counts import format_rows
from .state import textline

bp = Blueprint("admin", __name__, template_folder="templates", static_folder="static", static_url_path="/admin/static")

REALM = "textline staff"
DEFAULT_DAYS = 30
MAX_DAYS = 366
OTHER_LABELS = (MENU, HELP, CRISIS, CRISIS_SOFT, STOP, START, UNKNOWN)
# Countries staff most often try; any other two-letter code can be typed.
COMMON_COUNTRIES = (
    ("US", "United States"),
    ("CA", "Canada"),
    ("MX", "Mexico"),
    ("GB", "United Kingdom"),
    ("ES", "Spain"),
    ("FR", "France"),
    ("BR", "Brazil"),
    ("PH", "Philippines"),
    ("VN", "Vietnam"),
    ("CN", "China"),
    ("KR", "South Korea"),
    ("RU", "Russia"),
    ("HT", "Haiti"),
    ("EG", "Egypt"),
    ("SA", "Saudi Arabia"),
)
# Okabe-Ito and Tol's bright palette: distinguishable with colour-blindness.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#4477AA",
    "#EE6677",
    "#228833",
    "#AA3377",
    "#BBBBBB",
    "#66CCEE",
    "#000000",
)


@bp.before_request
def require_staff():
    """404 while no admin password is set; 401 unless the request carries it."""
    password = textline().settings.admin_password
    if not password:
        abort(404)
    auth = request.authorization
    given = auth.password if auth is not None and auth.type == "basic" and auth.password else ""
    # Any user name is accepted: the password is the only secret.
    if not hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8")):
        return Response(
            "Staff password required.\n",
            401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
        )
    return None


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault(
        "Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"
    )
    return response


# -- usage -------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    since: dt.date
    until: dt.date
    topic: str
    locale: str
    errors: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args) -> "Filters":
        today = dt.datetime.now(dt.UTC).date()
        errors: list[str] = []
        until = _date(args.get("until"), today, "until", errors)
        since = _date(args.get("since"), until - dt.timedelta(days=DEFAULT_DAYS - 1), "since", errors)
        if since > until:
            errors.append("The first day is after the last day; showing the last day only.")
            since = until
        if (until - since).days >= MAX_DAYS:
            errors.append(f"At most {MAX_DAYS} days are shown at once; the range was shortened.")
            since = until - dt.timedelta(days=MAX_DAYS - 1)
        return cls(since, until, (args.get("topic") or "").strip(), (args.get("locale") or "").strip(), tuple(errors))

    def rows(self) -> list[dict]:
        return textline().counts.rows(self.since, self.until, self.topic or None, self.locale or None)

    def query(self) -> dict:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "topic": self.topic,
            "locale": self.locale,
        }


def _date(text: str | None, default: dt.date, name: str, errors: list[str]) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"'{name}' must be a date like 2025-01-31; using {default.isoformat()}.")
        return default


@bp.get("/admin")
def usage():
    filters = Filters.from_args(request.args)
    rows = filters.rows()
    library = textline().library.current()
    days = [filters.since + dt.timedelta(days=n) for n in range((filters.until - filters.since).days + 1)]
    topic_order = [*library.content.topics, *OTHER_LABELS]
    locale_order = list(library.locales)
    return render_template(
        "admin/usage.html",
        filters=filters,
        total=sum(r["count"] for r in rows),
        by_topic=chart(rows, days, "topic", topic_order),
        by_locale=chart(rows, days, "locale", locale_order),
        by_channel=chart(rows, days, "channel", [*CHANNELS, VOICE]),
        totals={key: _totals(rows, key) for key in ("topic", "locale", "channel")},
        topics=topic_order,
        locales=locale_order,
        understood=_understood(textline().counts.understood(filters.since, filters.until), filters.locale),
        ways=UNDERSTOOD,
    )


def _understood(rows: list[dict], locale: str) -> list[tuple[str, str, dict[str, int]]]:
    """(day, locale, {keyword: n, question: n, not_understood: n}) for each day and locale with messages."""
    table: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        if not locale or row["locale"] == locale:
            counts = table.setdefault((row["day"], row["locale"]), dict.fromkeys(UNDERSTOOD, 0))
            counts[row["answered_by"]] = counts.get(row["answered_by"], 0) + row["count"]
    return [(day, loc, counts) for (day, loc), counts in sorted(table.items())]


@bp.get("/admin/usage.csv")
def usage_csv():
    filters = Filters.from_args(request.args)
    name = f"textline-usage-{filters.since.isoformat()}-{filters.until.isoformat()}.csv"
    return Response(
        format_rows(filters.rows(), "csv"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _totals(rows: list[dict], key: str) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["count"]
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str
    series: str
    count: int


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart, one bar per day, laid out for an inline SVG."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]  # (y, value)
    day_labels: tuple[tuple[float, str], ...]  # (x, text)
    legend: tuple[tuple[str, str, int], ...]  # (series, colour, total)
    total: int
    table: tuple[tuple[str, tuple[int, ...], int], ...]  # day, counts per series, total


def chart(rows: list[dict], days: list[dt.date], key: str, order: list[str]) -> Chart:
    """Lay out counts per day, stacked by ``key`` (topic or locale)."""
    width, height, left, top, bottom, right = 720, 260, 44, 12, 28, 8
    plot_width, plot_height = width - left - right, height - top - bottom
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        counts[(row["day"], row[key])] = counts.get((row["day"], row[key]), 0) + row["count"]
    present = {series for _, series in counts}
    series = [s for s in order if s in present] + sorted(present - set(order))
    colors = {s: PALETTE[n % len(PALETTE)] for n, s in enumerate(series)}
    day_totals = {d.isoformat(): sum(counts.get((d.isoformat(), s), 0) for s in series) for d in days}
    peak = _nice(max(day_totals.values(), default=0))
    slot = plot_width / max(len(days), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for n, day in enumerate(days):
        y: float = top + plot_height
        for name in series:
            value = counts.get((day.isoformat(), name), 0)
            if not value:
                continue
            h = plot_height * value / peak
            y -= h
            bars.append(
                Bar(
                    round(left + n * slot + gap / 2, 2),
                    round(y, 2),
                    round(slot - gap, 2),
                    round(h, 2),
                    colors[name],
                    f"{day.isoformat()} {name}: {value}",
                    name,
                    value,
                )
            )
    ticks = tuple((round(top + plot_height - plot_height * v / peak, 2), v) for v in _ticks(peak))
    every = max(1, -(-len(days) // 8))
    labels = tuple(
        (round(left + n * slot + slot / 2, 2), day.strftime("%b %d")) for n, day in enumerate(days) if n % every == 0
    )
    legend = tuple((s, colors[s], sum(v for (_, name), v in counts.items() if name == s)) for s in series)
    table = tuple(
        (d.isoformat(), tuple(counts.get((d.isoformat(), s), 0) for s in series), day_totals[d.isoformat()])
        for d in days
        if day_totals[d.isoformat()]
    )
    return Chart(
        width,
        height,
        left,
        top,
        plot_width,
        plot_height,
        tuple(bars),
        ticks,
        labels,
        legend,
        sum(day_totals.values()),
        table,
    )


def _nice(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (and at least 5)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= max(value, 5):
                return step * factor
        step *= 10


def _ticks(peak: int) -> list[int]:
    step = peak // 5 if peak % 5 == 0 else peak // 4
    return list(range(0, peak + 1, max(step, 1)))


# -- content -----------------------------------------------------------------


@dataclass(frozen=True)
class PagePreview:
    number: int
    text: str
    size: str  # encoding and segments, or characters on WhatsApp


@bp.get("/admin/content")
def content():
    library = textline().library.current()
    channel = request.args.get("channel", "") if request.args.get("channel") in CHANNELS else SMS
    locale_filter = request.args.get("locale") if request.args.get("locale") in library.locales else ""
    locales = [locale_filter] if locale_filter else list(library.locales)
    problems = list(library.problems)
    placed, unplaced = place_problems(problems, library)
    sections = []
    for locale in locales:
        topics = []
        for topic in library.content.topics:
            pages = library.topic_pages(topic, locale, channel)
            topics.append(
                {
                    "name": topic,
                    "status": library.status(topic, locale),
                    "shown_in": pages.locale,
                    "keyword": pages.keyword,
                    "pages": [PagePreview(n, text, describe(text, channel)) for n, text in enumerate(pages.pages, 1)],
                    "problems": placed.get((locale, topic), []),
                    "review": library.content.topics[topic].review,
                }
            )
        catalog = library.catalogs.get(locale)
        review = catalog.review if catalog else "the English source"
        sections.append(
            {"locale": locale, "topics": topics, "problems": placed.get((locale, None), []), "review": review}
        )
    return render_template(
        "admin/content.html",
        sections=sections,
        channel=channel,
        channels=CHANNELS,
        locale_filter=locale_filter,
        locales=library.locales,
        topics=list(library.content.topics),
        pending=library.pending,
        folding=sorted(library.content.languages.sms_fold & set(library.locales)),
        status={(t, loc): library.status(t, loc) for t in library.content.topics for loc in library.locales},
        check_available=True,
        problems=problems,
        unplaced=unplaced,
    )


def place_problems(problems: list[Problem], library) -> tuple[dict, list[Problem]]:
    """Attach each problem to the (locale, topic) it is about; the rest are shown at the top."""
    placed: dict[tuple[str, str | None], list[Problem]] = {}
    unplaced = []
    for problem in problems:
        locale = problem.locale or (SOURCE_LOCALE if problem.topic else "")
        if locale in library.locales:
            placed.setdefault((locale, problem.topic), []).append(problem)
        else:
            unplaced.append(problem)
    return placed, unplaced


# -- simulator ---------------------------------------------------------------


@bp.route("/try", methods=["GET", "POST"])
def simulator():
    """Answer a typed message as the webhook would, without counting it.

    The form is POSTed so that a typed message never lands in an access log.
    """
    form = request.form if request.method == "POST" else {}
    if form.get("mode") == "call":
        return _try_call(form)
    channel = form.get("channel", "") if form.get("channel") in CHANNELS else SMS
    country = (form.get("other_country") or form.get("country") or "").strip().upper()
    body = form.get("body", "")
    result = error = None
    if request.method == "POST":
        if country and not (len(country) == 2 and country.isalpha() and country.isascii()):
            error = f"'{country}' is not a two-letter country code such as US or MX."
        else:
            reply = answer(textline().library.current(), body, Sender(channel, country or None))
            sizes = [describe(message, channel) for message in reply.messages]
            result = {"reply": reply, "size": "; ".join(sizes)}
    return render_template(
        "admin/try.html",
        channel=channel,
        channels=CHANNELS,
        country=country,
        countries=COMMON_COUNTRIES,
        body=body,
        result=result,
        error=error,
    )


def _try_call(form) -> str:
    """A phone call previewed: what a caller from a country hears, pressing the keys typed."""
    from ..core.calls import walk

    country = (form.get("call_country") or "").strip().upper()[:2] or None
    keys = [key.strip()[:1] for key in (form.get("digits") or "").split(",")][:20] if form.get("digits") else []
    library = textline().library.current()
    return render_template(
        "admin/try.html",
        channel=SMS,
        channels=CHANNELS,
        country="",
        countries=COMMON_COUNTRIES,
        body="",
        result=None,
        error=None,
        call=walk(library, country, keys),
        voices=library.content.voices.voices,
        call_country=country or "",
        digits=form.get("digits", ""),
    )
