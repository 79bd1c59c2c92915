"""Read the English source texts in ``content/``, keeping file and line of each."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .normalize import compact
from .paging import SMS_SEGMENTS
from .segments import GSM7, PART, UCS2

MESSAGES_FILE = "messages.yaml"
CRISIS_FILE = "crisis.yaml"
COUNTRIES_FILE = "countries.yaml"


@dataclass(frozen=True)
class Message:
    """One translatable text: a gettext context, the English, and where it is."""

    context: str
    id: str
    path: str
    line: int
    comment: str = ""


@dataclass(frozen=True)
class Topic:
    name: str
    aliases: tuple[str, ...]
    keywords: Message
    title: Message
    paragraphs: tuple[Message, ...]


@dataclass(frozen=True)
class Content:
    topics: dict[str, Topic]
    messages: dict[str, Message]
    words: dict[str, Message]
    crisis_phrases: Message
    crisis_messages: dict[str, Message]
    crisis_lines: dict[str, "CrisisLine"]  # country code -> line
    countries: dict[str, tuple[str, ...]]  # country code -> languages, most likely first

    def all_messages(self) -> list[Message]:
        found = [*self.messages.values(), *self.words.values(), self.crisis_phrases]
        found += self.crisis_messages.values()
        for topic in self.topics.values():
            found += [topic.keywords, topic.title, *topic.paragraphs]
        return found


@dataclass(frozen=True)
class CrisisLine:
    country: str
    number: str
    how: str  # a crisis message name: call_or_text or call
    emergency: str
    extra: str | None  # a crisis message name, or None
    source: str


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def load_content(directory: Path) -> Content:
    """Load every content file, or raise ContentError listing every problem."""
    problems: list[Problem] = []
    parsed = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            parsed[path.name] = parse_file(display_path(path), path.read_text("utf-8"))
        except ContentError as error:
            problems += error.problems
        except UnicodeDecodeError as error:
            problems.append(Problem(display_path(path), 1, f"not UTF-8 text ({error.reason})"))
    messages_path = display_path(directory / MESSAGES_FILE)
    for required in (MESSAGES_FILE, CRISIS_FILE):
        if required not in parsed and not any(p.path.endswith(required) for p in problems):
            problems.append(Problem(display_path(directory / required), 1, "file is missing"))
    if problems:
        raise ContentError(problems)

    order, messages, words = parsed.pop(MESSAGES_FILE)
    phrases, crisis_messages, crisis_lines = parsed.pop(CRISIS_FILE)
    countries = parsed.pop(COUNTRIES_FILE, {})
    found = {topic.name: topic for topic in parsed.values()}
    topics = {}
    for name in order:
        if name not in found:
            problems.append(Problem(messages_path, 1, f"topic {name} is listed but no content file defines it"))
        else:
            topics[name] = found.pop(name)
    for topic in found.values():
        problems.append(Problem(topic.title.path, 1, f"topic {topic.name} is not listed under 'topics' in {messages_path}"))
    problems += _keyword_clashes(topics)
    if problems:
        raise ContentError(problems)
    return Content(topics, messages, words, phrases, crisis_messages, crisis_lines, countries)


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
    return _parse_topic(path, root)


def messages_in_file(path: str, text: str) -> list[Message]:
    """Every translatable message in one content file, in file order."""
    if Path(path).name == COUNTRIES_FILE:
        return []
    parsed = parse_file(path, text)
    if isinstance(parsed, Topic):
        return [parsed.keywords, parsed.title, *parsed.paragraphs]
    if Path(path).name == MESSAGES_FILE:
        _, messages, words = parsed
        return [*messages.values(), *words.values()]
    phrases, crisis_messages, _ = parsed
    return [phrases, *crisis_messages.values()]


def page_budget_note() -> str:
    gsm, ucs2 = SMS_SEGMENTS * PART[GSM7], SMS_SEGMENTS * PART[UCS2]
    return (f"An SMS page holds {gsm} characters in GSM-7 or {ucs2} in UCS-2 "
            "(any character outside GSM-7); a longer translation gets more pages.")


def _parse_topic(path, root) -> Topic:
    fields = _mapping(path, root, required=("keyword", "title", "paragraphs"), optional=("aliases",))
    name = _scalar(path, fields["keyword"])
    if not name or not name.replace("_", "").isalnum() or name != name.upper():
        raise ContentError([Problem(path, _line(fields["keyword"]), f"keyword {name!r} must be one word in capitals")])
    aliases = tuple(_scalar(path, node) for node in _sequence(path, fields.get("aliases")))
    paragraphs = _sequence(path, fields["paragraphs"])
    if not paragraphs:
        raise ContentError([Problem(path, _line(fields["paragraphs"]), "a topic needs at least one paragraph")])
    keywords = Message(
        f"{name} keywords", name, path, _line(fields["keyword"]),
        f"Topic {name}: the words people text for it in your language, comma-separated, in "
        "capitals. The first is shown in the menu and in 'Reply ... for more'. Keep it short.",
    )
    title = Message(
        f"{name} title", _scalar(path, fields["title"]), path, _line(fields["title"]),
        f"Topic {name}: its title in the menu, after the keyword. 1 to 3 words.",
    )
    count, budget = len(paragraphs), page_budget_note()
    texts = tuple(
        Message(name, _scalar(path, node), path, _line(node),
                f"Topic {name}, paragraph {n} of {count}. {budget}")
        for n, node in enumerate(paragraphs, 1)
    )
    for message in texts:
        if not message.id.strip():
            raise ContentError([Problem(path, message.line, "empty paragraph")])
    return Topic(name, aliases, keywords, title, texts)


def _parse_messages(path, root):
    fields = _mapping(path, root, required=("topics", "messages", "words"))
    order = [_scalar(path, node) for node in _sequence(path, fields["topics"])]
    messages = _notes(path, fields["messages"], context="{}")
    words = _notes(path, fields["words"], context="words {}")
    for name in ("menu", "menu_topic", "more", "past_end", "help", "contact", "stop", "start"):
        if name not in messages:
            raise ContentError([Problem(path, _line(fields["messages"]), f"message {name!r} is missing")])
    for name in ("menu", "help", "language"):
        if name not in words:
            raise ContentError([Problem(path, _line(fields["words"]), f"words {name!r} are missing")])
    return order, messages, words


def _parse_crisis(path, root):
    fields = _mapping(path, root, required=("phrases", "messages", "resources"))
    phrases = _note(path, fields["phrases"], "crisis phrases")
    messages = _notes(path, fields["messages"], context="crisis {}")
    for name in ("call_or_text", "call", "emergency", "default", "short_call_or_text", "short_call", "short_default"):
        if name not in messages:
            raise ContentError([Problem(path, _line(fields["messages"]), f"crisis message {name!r} is missing")])
    lines = {}
    for key, node in _pairs(path, fields["resources"]):
        entry = _mapping(path, node, required=("number", "how", "emergency", "source"), optional=("extra",))
        values = {name: _scalar(path, value) for name, value in entry.items()}
        for name in ("how", "extra"):
            if name in values and values[name] not in messages:
                raise ContentError([Problem(path, _line(entry[name]), f"{name}: no crisis message named {values[name]!r}")])
        if len(key) != 2 or not key.isalpha():
            raise ContentError([Problem(path, _line(node), f"{key!r} is not a two-letter country code")])
        lines[key.upper()] = CrisisLine(key.upper(), values["number"], values["how"], values["emergency"],
                                        values.get("extra"), values["source"])
    return phrases, messages, lines


def _parse_countries(path, root):
    countries = {}
    for key, node in _pairs(path, root):
        if len(key) != 2 or not key.isalpha():
            raise ContentError([Problem(path, _line(node), f"{key!r} is not a two-letter country code")])
        countries[key.upper()] = tuple(_scalar(path, item) for item in _sequence(path, node))
    return countries


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


def _keyword_clashes(topics: dict[str, Topic]) -> list[Problem]:
    owners: dict[str, str] = {}
    problems = []
    for topic in topics.values():
        for word in (topic.name, *topic.aliases):
            key = compact(word)
            owner = owners.setdefault(key, topic.name)
            if owner != topic.name:
                problems.append(Problem(topic.keywords.path, topic.keywords.line,
                                        f"keyword {word} is claimed by both {owner} and {topic.name}"))
    return problems


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
