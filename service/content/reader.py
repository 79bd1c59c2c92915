"""Read the English source texts in ``content/``, keeping file and line of each."""

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..core import (
    GSM7,
    PART,
    SMS_SEGMENTS,
    UCS2,
    Backstop,
    Content,
    ContentError,
    CrisisLine,
    Languages,
    Message,
    Problem,
    Review,
    Topic,
    TopicModel,
    Voice,
    Voices,
    compact,
    needs,
    split_words,
)

MESSAGES_FILE = "messages.yaml"
CRISIS_FILE = "crisis.yaml"
COUNTRIES_FILE = "countries.yaml"
LANGUAGES_FILE = "languages.yaml"
OUTSIDE_FILE = "outside.yaml"  # questions our article does not answer
VOICES_FILE = "voices.yaml"  # the phone line's voices
BACKSTOP_FILE = "crisis_backstop.json"  # written by `textline content train-crisis`, never by hand
TOPIC_MODEL_FILE = "questions_model.json"  # written by `textline content train-questions`, never by hand
# Files every reply depends on: when one is broken, its last good version serves.
SHARED_FILES = (MESSAGES_FILE, CRISIS_FILE, COUNTRIES_FILE, LANGUAGES_FILE)


def read_content(
    directory: Path, previous: Content | None = None, last_good: Path | None = None
) -> tuple[Content, list[Problem]]:
    """Read every content file; return the content that can be served and every problem found.

    A broken topic file leaves out that topic (or, on a reload, keeps the
    version that was serving). A broken messages, crisis, countries or
    languages file is replaced by its last good version: the copy kept in
    ``last_good`` by the last read that accepted it, else the one serving.
    Raises ContentError only when messages or crisis have no good version at all.
    """
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    broken: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        try:
            text = path.read_text("utf-8")
            parsed[path.name] = parse_file(display_path(path), text)
        except ContentError as error:
            problems += error.problems
            broken.add(path.name)
            continue
        except (UnicodeDecodeError, OSError) as error:
            problems.append(Problem(display_path(path), 1, f"cannot read: {getattr(error, 'reason', error)}"))
            broken.add(path.name)
            continue
        if path.name in SHARED_FILES and last_good is not None:
            _keep(last_good, path.name, text)
    for name in SHARED_FILES:
        if name in parsed or (name not in broken and name in (COUNTRIES_FILE, LANGUAGES_FILE)):
            continue
        shown = display_path(directory / name)
        if name not in broken:
            problems.append(Problem(shown, 1, "file is missing"))
        fallback = _last_good(last_good, name, previous)
        if fallback is not None:
            parsed[name] = fallback
            problems.append(Problem(shown, 1, "not applied: its last good version serves until it is fixed"))
    if MESSAGES_FILE not in parsed or CRISIS_FILE not in parsed:
        raise ContentError(
            problems
            + [
                Problem(
                    display_path(directory / MESSAGES_FILE),
                    1,
                    "no good version of messages.yaml and crisis.yaml to serve",
                )
            ]
        )

    order, messages, words = parsed.pop(MESSAGES_FILE)
    crisis_lists, crisis_messages, crisis_lines, more_crisis_lists = parsed.pop(CRISIS_FILE)
    countries = parsed.pop(COUNTRIES_FILE, {})
    languages = parsed.pop(LANGUAGES_FILE, Languages())
    outside = parsed.pop(OUTSIDE_FILE, ())
    voices = parsed.pop(VOICES_FILE, Voices())
    found = {topic.name: topic for topic in parsed.values() if isinstance(topic, Topic)}
    if previous is not None:  # a topic file broken by this edit keeps the version that was serving
        for name, topic in previous.topics.items():
            if name not in found and Path(topic.title.path).name in broken:
                found[name] = topic
                problems.append(
                    Problem(topic.title.path, 1, f"{name}: not applied, the last good version serves", topic=name)
                )
    messages_path = display_path(directory / MESSAGES_FILE)
    topics = {}
    for name in order:
        if name in found:
            topics[name] = found.pop(name)
        elif not broken - set(SHARED_FILES):  # else the broken topic file is already named
            problems.append(
                Problem(messages_path, 1, f"topic {name} is listed but no content file defines it", topic=name)
            )
    for topic in found.values():
        problems.append(
            Problem(
                topic.title.path,
                1,
                f"topic {topic.name} is not listed under 'topics' in {messages_path}",
                topic=topic.name,
            )
        )
    topics, clashes = _keyword_clashes(topics)
    problems += clashes
    backstop, trouble = _read_backstop(directory / BACKSTOP_FILE, previous)
    problems += trouble
    topic_models, trouble = _read_topic_models(directory / TOPIC_MODEL_FILE, previous)
    problems += trouble
    content = Content(
        topics,
        messages,
        words,
        crisis_lists,
        crisis_messages,
        crisis_lines,
        countries,
        languages,
        more_crisis_lists,
        backstop,
        outside,
        voices,
        topic_models,
    )
    return content, problems


def _read_backstop(path: Path, previous: Content | None) -> tuple[Backstop | None, list[Problem]]:
    """The crisis backstop written by `textline content train-crisis`; a broken file keeps the one serving."""

    def parse(data: dict) -> Backstop:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        return Backstop(weights, float(data["bias"]), float(data["threshold"]))

    kept = previous.backstop if previous else None
    return _read_trained(path, parse, kept, "the crisis backstop", "train-crisis", "the rules still serve")


def _read_topic_models(path: Path, previous: Content | None) -> tuple[dict[str, TopicModel] | None, list[Problem]]:
    """The question topic models written by `textline content train-questions`; a broken file keeps the ones
    serving."""

    def parse(data: dict) -> dict[str, TopicModel]:
        classes = tuple(str(c) for c in data["classes"])
        models = {}
        for locale, model in data["locales"].items():
            bias = tuple(float(b) for b in model["bias"])
            weights = {str(t): tuple(float(w) for w in row) for t, row in model["weights"].items()}
            if len(bias) != len(classes) or any(len(row) != len(classes) for row in weights.values()):
                raise ValueError("a row does not have one weight per class")
            models[str(locale)] = TopicModel(classes, bias, weights)
        return models

    kept = previous.topic_models if previous else None
    return _read_trained(
        path, parse, kept, "the question topic models", "train-questions", "BM25 alone decides meanwhile"
    )


def _read_trained(path: Path, parse, kept, what: str, command: str, meanwhile: str):
    """A file a `textline content` training command writes, parsed; none when absent; when broken, a problem
    naming the file and the command to run, and ``kept`` (what was serving) meanwhile."""
    if not path.exists():
        return None, []
    try:
        return parse(json.loads(path.read_text("utf-8"))), []
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        problem = Problem(
            display_path(path),
            1,
            f"cannot read {what} ({type(error).__name__}): run `textline content {command}` again; {meanwhile}",
        )
        return kept, [problem]


def load_content(directory: Path) -> Content:
    """Load every content file, or raise ContentError listing every problem."""
    content, problems = read_content(directory)
    if problems:
        raise ContentError(problems)
    return content


def _keep(folder: Path, name: str, text: str) -> None:
    """Keep ``text`` as the last good version of content file ``name``."""
    path = folder / name
    try:
        if path.exists() and path.read_text("utf-8") == text:
            return
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, "utf-8")
        temporary.replace(path)
    except OSError:  # a read-only instance folder: the service keeps answering
        pass


def _last_good(folder: Path | None, name: str, previous: Content | None):
    """The last good parse of shared file ``name``: from ``folder``, else from the content serving."""
    if folder is not None and (folder / name).exists():
        try:
            return parse_file(str(folder / name), (folder / name).read_text("utf-8"))
        except (ContentError, OSError, UnicodeDecodeError):
            pass
    if previous is None:
        return None
    return {
        MESSAGES_FILE: (list(previous.topics), previous.messages, previous.words),
        CRISIS_FILE: (
            previous.crisis_lists,
            previous.crisis_messages,
            previous.crisis_lines,
            previous.more_crisis_lists,
        ),
        COUNTRIES_FILE: previous.countries,
        LANGUAGES_FILE: previous.languages,
    }[name]


def parse_file(path: str, text: str):
    """Parse one content file; the kind is told by its name."""
    root = _compose(path, text)
    name = Path(path).name
    if name == MESSAGES_FILE:
        return _parse_messages(path, root)
    if name == CRISIS_FILE:
        return _parse_crisis(path, root)
    if name == COUNTRIES_FILE:
        return _parse_countries(path, root)
    if name == LANGUAGES_FILE:
        return _parse_languages(path, root)
    if name == OUTSIDE_FILE:
        return _parse_outside(path, root)
    if name == VOICES_FILE:
        return _parse_voices(path, root)
    return _parse_topic(path, root)


def messages_in_file(path: str, text: str) -> list[Message]:
    """Every translatable message in one content file, in file order."""
    if Path(path).name in (COUNTRIES_FILE, LANGUAGES_FILE, VOICES_FILE):
        return []
    parsed = parse_file(path, text)
    if Path(path).name == OUTSIDE_FILE:
        return list(parsed)
    if isinstance(parsed, Topic):
        return list(parsed.messages())
    if Path(path).name == MESSAGES_FILE:
        _, messages, words = parsed
        return [*messages.values(), *words.values()]
    lists, crisis_messages, _, _ = parsed
    return [*lists.values(), *crisis_messages.values()]


def _parse_voices(path, root) -> Voices:
    fields = _mapping(path, root, required=("voices",), optional=("no_voice",))
    voices = {}
    for locale, node in _pairs(path, fields["voices"]):
        entry = _mapping(path, node, required=("language", "voice"))
        voices[locale] = Voice(_scalar(path, entry["language"]), _scalar(path, entry["voice"]))
    instead = {}
    for locale, node in _pairs(path, fields["no_voice"]) if "no_voice" in fields else ():
        choices = tuple(_scalar(path, item) for item in _sequence(path, node))
        unknown = [c for c in choices if c not in voices]
        if not choices or unknown:
            raise ContentError([Problem(path, _line(node), f"no_voice {locale}: list languages that have a voice")])
        instead[locale] = choices
    return Voices(voices, instead)


def _parse_outside(path, root) -> tuple[Message, ...]:
    fields = _mapping(path, root, required=("questions",))
    questions = tuple(
        Message(
            "outside question",
            _scalar(path, node),
            path,
            _line(node),
            "A question people text that our article does NOT answer. Never sent: it helps the line give the "
            "menu instead of a wrong answer. Translate it freely, as people would text it, in their own words.",
        )
        for node in _sequence(path, fields["questions"])
    )
    if any(not q.id.strip() for q in questions):
        raise ContentError([Problem(path, next(q.line for q in questions if not q.id.strip()), "empty question")])
    return questions


def page_budget_note() -> str:
    gsm, ucs2 = SMS_SEGMENTS * PART[GSM7], SMS_SEGMENTS * PART[UCS2]
    return (
        f"An SMS page holds {gsm} characters in GSM-7 or {ucs2} in UCS-2 "
        "(any character outside GSM-7); a longer translation gets more pages."
    )


def _parse_topic(path, root) -> Topic:
    optional = ("aliases", "review", "questions")
    fields = _mapping(path, root, required=("keyword", "title", "paragraphs"), optional=optional)
    name = _scalar(path, fields["keyword"])
    if not name or not name.replace("_", "").isalnum() or name != name.upper():
        raise ContentError([Problem(path, _line(fields["keyword"]), f"keyword {name!r} must be one word in capitals")])
    aliases = tuple(_scalar(path, node) for node in _sequence(path, fields.get("aliases")))
    paragraphs = _sequence(path, fields["paragraphs"])
    if not paragraphs:
        raise ContentError([Problem(path, _line(fields["paragraphs"]), "a topic needs at least one paragraph")])
    keywords = Message(
        f"{name} keywords",
        name,
        path,
        _line(fields["keyword"]),
        f"Topic {name}: the words people text for it in your language, comma-separated, in "
        "capitals. The first is shown in the menu and in 'Reply ... for more'. Keep it short.",
        name,
    )
    title = Message(
        f"{name} title",
        _scalar(path, fields["title"]),
        path,
        _line(fields["title"]),
        f"Topic {name}: its title in the menu, after the keyword. 1 to 3 words.",
        name,
    )
    count, budget = len(paragraphs), page_budget_note()
    texts = tuple(
        Message(name, _scalar(path, node), path, _line(node), f"Topic {name}, paragraph {n} of {count}. {budget}", name)
        for n, node in enumerate(paragraphs, 1)
    )
    for message in texts:
        if not message.id.strip():
            raise ContentError([Problem(path, message.line, "empty paragraph")])
    questions = tuple(
        Message(
            f"{name} question",
            _scalar(path, node),
            path,
            _line(node),
            f"Topic {name}: a question people might text about it. Never sent: it helps the line recognise "
            "questions in your language. Translate it freely, as people would text it, in their own words.",
            name,
        )
        for node in _sequence(path, fields.get("questions"))
    )
    if any(not q.id.strip() for q in questions):
        raise ContentError([Problem(path, next(q.line for q in questions if not q.id.strip()), "empty question")])
    review = None
    if "review" in fields:
        entry = _mapping(path, fields["review"], required=("date", "by", "source"))
        values = {key: _scalar(path, value) for key, value in entry.items()}
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["date"]):
            raise ContentError([Problem(path, _line(entry["date"]), "review date must be YYYY-MM-DD", topic=name)])
        review = Review(values["date"], values["by"], values["source"], _line(fields["review"]))
    return Topic(name, aliases, keywords, title, texts, review, questions)


def _parse_messages(path, root):
    fields = _mapping(path, root, required=("topics", "messages", "words"))
    order = [_scalar(path, node) for node in _sequence(path, fields["topics"])]
    messages = _notes(path, fields["messages"], context="{}")
    words = _notes(path, fields["words"], context="words {}")
    missing = [
        Problem(path, _line(fields["messages"]), f"message {name!r} is missing: {use} needs it")
        for name, use in needs.MESSAGES.items()
        if name not in messages
    ]
    missing += [
        Problem(path, _line(fields["words"]), f"words {name!r} are missing: {use}")
        for name, use in needs.WORDS.items()
        if name not in words
    ]
    if missing:
        raise ContentError(missing)
    return order, messages, words


def _parse_crisis(path, root):
    fields = _mapping(path, root, required=("phrases", "rules", "messages", "resources"), optional=("more_languages",))
    lists = {"phrases": _note(path, fields["phrases"], "crisis phrases")}
    lists |= _notes(path, fields["rules"], context="crisis {}")
    messages = _notes(path, fields["messages"], context="crisis {}")
    missing = [
        Problem(path, _line(fields["messages"]), f"crisis message {name!r} is missing: {use} needs it")
        for name, use in needs.CRISIS_MESSAGES.items()
        if name not in messages
    ]
    missing += [
        Problem(path, _line(fields["rules"]), f"crisis list {name!r} is missing: {use}")
        for name, use in needs.CRISIS_LISTS.items()
        if name not in lists
    ]
    missing += [
        Problem(path, lists[name].line, f"unknown crisis list {name!r} (expected {', '.join(needs.CRISIS_LISTS)})")
        for name in lists
        if name not in needs.CRISIS_LISTS
    ]
    if missing:
        raise ContentError(missing)
    more = {}
    for code, node in _pairs(path, fields.get("more_languages")) if "more_languages" in fields else ():
        entry = _mapping(path, node, optional=tuple(needs.CRISIS_LISTS))
        more[code] = {name: split_words(_scalar(path, value)) for name, value in entry.items()}
    lines = {}
    for key, node in _pairs(path, fields["resources"]):
        entry = _mapping(path, node, required=("number", "how", "emergency", "source"), optional=("extra", "dial"))
        values = {name: _scalar(path, value) for name, value in entry.items()}
        if values["how"] not in needs.CRISIS_HOW:
            raise ContentError(
                [Problem(path, _line(entry["how"]), f"how: must be one of {', '.join(needs.CRISIS_HOW)}")]
            )
        for name in ("how", "extra"):
            if name in values and values[name] not in messages:
                raise ContentError(
                    [Problem(path, _line(entry[name]), f"{name}: no crisis message named {values[name]!r}")]
                )
        if len(key) != 2 or not key.isalpha():
            raise ContentError([Problem(path, _line(node), f"{key!r} is not a two-letter country code")])
        dial = values.get("dial")
        if dial is not None and not re.fullmatch(r"\+[1-9]\d{6,14}", dial):
            raise ContentError([Problem(path, _line(entry["dial"]), "dial: a full international number, +18002738255")])
        lines[key.upper()] = CrisisLine(
            key.upper(),
            values["number"],
            values["how"],
            values["emergency"],
            values.get("extra"),
            values["source"],
            dial,
        )
    return lists, messages, lines, more


def _parse_countries(path, root):
    countries = {}
    for key, node in _pairs(path, root):
        if len(key) != 2 or not key.isalpha():
            raise ContentError([Problem(path, _line(node), f"{key!r} is not a two-letter country code")])
        countries[key.upper()] = tuple(_scalar(path, item) for item in _sequence(path, node))
    return countries


def _parse_languages(path, root) -> Languages:
    names = ("shared_keywords", "cldr_aliases", "marks_matter", "sms_fold_accents", "syllables", "digits_for_letters")
    fields = _mapping(path, root, optional=names)
    pairs = set()
    for node in _sequence(path, fields.get("shared_keywords")):
        pair = [_scalar(path, item) for item in _sequence(path, node)]
        if len(pair) != 2:
            raise ContentError([Problem(path, _line(node), "each shared_keywords entry is a pair: [es, pt]")])
        pairs.add(frozenset(pair))
    aliases = dict(_pairs(path, fields["cldr_aliases"])) if "cldr_aliases" in fields else {}
    marks = frozenset(_scalar(path, node) for node in _sequence(path, fields.get("marks_matter")))
    fold = frozenset(_scalar(path, node) for node in _sequence(path, fields.get("sms_fold_accents")))
    syllables = frozenset(_scalar(path, node) for node in _sequence(path, fields.get("syllables")))
    digits = frozenset(_scalar(path, node) for node in _sequence(path, fields.get("digits_for_letters")))
    renames = {key: _scalar(path, value) for key, value in aliases.items()}
    return Languages(frozenset(pairs), renames, marks, fold, syllables, digits)


def _notes(path, node, context):
    return {key: _note(path, value, context.format(key)) for key, value in _pairs(path, node)}


def _note(path, node, context) -> Message:
    entry = _mapping(path, node, required=("text",), optional=("note",))
    note = _scalar(path, entry["note"]) if "note" in entry else ""
    return Message(context, _scalar(path, entry["text"]), path, _line(entry["text"]), note)


def _compose(path, text):
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([Problem(path, line, f"not valid YAML: {error.problem or error.context}")]) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(path, 1, f"not valid YAML: {error}")]) from None
    if root is None:
        raise ContentError([Problem(path, 1, "file is empty")])
    return root


def _pairs(path, node):
    if not isinstance(node, yaml.MappingNode):
        raise ContentError([Problem(path, _line(node), "expected 'name: value' entries here")])
    return [(_scalar(path, key), value) for key, value in node.value]


def _mapping(path, node, required=(), optional=()):
    fields = {}
    for key, value in _pairs(path, node):
        if key not in required and key not in optional:
            allowed = ", ".join((*required, *optional))
            raise ContentError([Problem(path, _line(value), f"unknown field {key!r} (expected {allowed})")])
        if key in fields:
            raise ContentError([Problem(path, _line(value), f"field {key!r} appears twice")])
        fields[key] = value
    for key in required:
        if key not in fields:
            raise ContentError([Problem(path, _line(node), f"field {key!r} is missing")])
    return fields


def _sequence(path, node):
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise ContentError([Problem(path, _line(node), "expected a list here")])
    return node.value


def _scalar(path, node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ContentError([Problem(path, _line(node), "expected text here")])
    return node.value.strip()


def _line(node) -> int:
    return node.start_mark.line + 1


def _keyword_clashes(topics: dict[str, Topic]) -> tuple[dict[str, Topic], list[Problem]]:
    """Each English keyword and alias belongs to one topic: a later topic does not get a word already taken."""
    owners: dict[str, str] = {}
    problems = []
    kept = {}
    for topic in topics.values():
        aliases = []
        for n, word in enumerate((topic.name, *topic.aliases)):
            owner = owners.setdefault(compact(word), topic.name)
            if owner == topic.name:
                aliases += [word] if n else []
                continue
            problems.append(
                Problem(
                    topic.keywords.path,
                    topic.keywords.line,
                    f"keyword {word} is claimed by both {owner} and {topic.name}; {topic.name} does not get it",
                    topic=topic.name,
                )
            )
        kept[topic.name] = replace(topic, aliases=tuple(aliases))
    return kept, problems


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
