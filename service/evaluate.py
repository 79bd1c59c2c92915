"""The development sets in tests/data/, scored: `textline content crisis-report` (and the tests' floors).

A third of each set is frozen (``frozen: true``): written before any rule was
tuned and never looked at while tuning; the targets apply to it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from .core import CRISIS, SMS, Library, Sender, answer
from .core.replies import CRISIS_SOFT
from .settings import HOME

DATA = HOME / "tests" / "data"
SPLITS = ("dev", "frozen", "all")


@dataclass(frozen=True)
class Case:
    language: str
    text: str
    crisis: bool
    kind: str
    note: str
    frozen: bool


@dataclass
class Score:
    """Crisis texts answered by tier, and ordinary texts flagged by tier, with every miss and false alarm."""

    crisis: int = 0
    full: int = 0
    soft: int = 0
    ordinary: int = 0
    full_alarms: int = 0
    soft_alarms: int = 0
    misses: list[Case] = field(default_factory=list)
    alarms: list[tuple[Case, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return (self.full + self.soft) / self.crisis if self.crisis else 1.0

    @property
    def full_alarm_rate(self) -> float:
        return self.full_alarms / self.ordinary if self.ordinary else 0.0

    @property
    def soft_alarm_rate(self) -> float:
        return self.soft_alarms / self.ordinary if self.ordinary else 0.0


def _items(folder: Path):
    """(language, case) of every case of every set in ``folder``."""
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for item in data["cases"]:
            yield data["language"], item


def crisis_cases(folder: Path = DATA / "crisis") -> list[Case]:
    return [
        Case(
            language,
            str(item["text"]),
            bool(item["crisis"]),
            item.get("kind", ""),
            item.get("note", ""),
            bool(item.get("frozen")),
        )
        for language, item in _items(folder)
    ]


def in_split(case: "Case | Question", split: str) -> bool:
    return split == "all" or case.frozen == (split == "frozen")


def score_crisis(
    library: Library, cases: Iterable[Case], split: str = "all", sender: Sender = Sender(SMS, "US")
) -> dict[str, Score]:
    """Per language: recall by tier on crisis texts, alarms by tier on ordinary ones."""
    scores: dict[str, Score] = {}
    for case in cases:
        if not in_split(case, split):
            continue
        score = scores.setdefault(case.language, Score())
        reply = answer(library, case.text, sender)
        if case.crisis:
            score.crisis += 1
            if reply.topic == CRISIS:
                score.full += 1
            elif reply.topic == CRISIS_SOFT:
                score.soft += 1
            else:
                score.misses.append(case)
        else:
            score.ordinary += 1
            if reply.topic in (CRISIS, CRISIS_SOFT):
                if reply.topic == CRISIS:
                    score.full_alarms += 1
                else:
                    score.soft_alarms += 1
                score.alarms.append((case, reply.topic, reply.why))
    return scores


def crisis_report(scores: dict[str, Score], show_cases: bool = True) -> str:
    def row(name: str, s: Score) -> str:
        return (
            f"{name:<5} {s.crisis:>6} {s.full:>6} {s.soft:>6} {s.recall:>7.1%}   {s.ordinary:>8} "
            f"{s.full_alarm_rate:>8.1%} {s.soft_alarm_rate:>8.1%}"
        )

    header = (
        f"{'lang':<5} {'crisis':>6} {'full':>6} {'soft':>6} {'recall':>7}   {'ordinary':>8} {'full FA':>8} "
        f"{'soft FA':>8}"
    )
    lines = _table(header, scores, row, Score())
    if show_cases:
        for language, s in sorted(scores.items()):
            for case in s.misses:
                lines.append(f"miss   {language} [{case.kind}] {case.text!r}")
            for case, tier, why in s.alarms:
                lines.append(f"alarm  {language} [{case.kind}] {tier}: {case.text!r} ({why})")
    return "\n".join(lines)


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    topic: str | None
    kind: str
    country: str | None
    frozen: bool


@dataclass
class AskScore:
    """Questions answered with the right topic, texts the article does not answer rightly given the menu,
    and every reply in the language of the message."""

    answerable: int = 0
    right_topic: int = 0
    unanswerable: int = 0
    abstained: int = 0
    total: int = 0
    right_language: int = 0
    wrong: list[tuple[Question, str, str, str]] = field(default_factory=list)

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 1.0


def ask_cases(folder: Path = DATA / "ask") -> list[Question]:
    return [
        Question(
            language,
            str(item["text"]),
            item.get("topic"),
            item.get("kind", ""),
            item.get("country"),
            bool(item.get("frozen")),
        )
        for language, item in _items(folder)
    ]


def score_ask(library: Library, cases: Iterable[Question], split: str = "all") -> dict[str, AskScore]:
    from .core import MENU, UNKNOWN

    scores: dict[str, AskScore] = {}
    for case in cases:
        if not in_split(case, split):
            continue
        score = scores.setdefault(case.language, AskScore())
        reply = answer(library, case.text, Sender(SMS, case.country))
        score.total += 1
        score.right_language += reply.locale == case.language
        if case.topic:
            score.answerable += 1
            score.right_topic += reply.topic == case.topic
        else:
            score.unanswerable += 1
            score.abstained += reply.topic in (MENU, UNKNOWN)
        if (
            reply.locale != case.language
            or (case.topic and reply.topic != case.topic)
            or (not case.topic and reply.topic not in (MENU, UNKNOWN))
        ):
            score.wrong.append((case, reply.topic, reply.locale, reply.why))
    return scores


def ask_report(scores: dict[str, AskScore], show_cases: bool = True) -> str:
    def row(name: str, s: AskScore) -> str:
        return (
            f"{name:<5} {s.answerable:>9} {s.share(s.right_topic, s.answerable):>11.1%} "
            f"{s.unanswerable:>9} {s.share(s.abstained, s.unanswerable):>9.1%} {s.total:>5} "
            f"{s.share(s.right_language, s.total):>14.1%}"
        )

    header = (
        f"{'lang':<5} {'questions':>9} {'right topic':>11} {'no answer':>9} {'abstained':>9} {'texts':>5} "
        f"{'right language':>14}"
    )
    lines = _table(header, scores, row, AskScore())
    if show_cases:
        for language, s in sorted(scores.items()):
            for case, topic, locale, why in s.wrong:
                lines.append(
                    f"wrong  {language} [{case.kind}] {case.text!r}: expected {case.topic} in {language}, "
                    f"got {topic} in {locale} ({why})"
                )
    return "\n".join(lines)


def _table(header: str, scores: dict, row, total) -> list[str]:
    """A report's header, a row per language, and an "all" row: ``total`` adds up every count."""
    lines = [header]
    for language, score in sorted(scores.items()):
        lines.append(row(language, score))
        for name in (f.name for f in fields(score)):
            value = getattr(score, name)
            if isinstance(value, int):
                setattr(total, name, getattr(total, name) + value)
    lines.append(row("all", total))
    return lines
