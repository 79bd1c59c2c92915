"""Questions in people's own words, answered with the article's own paragraphs: BM25 per language.

Each served language gets a small in-memory index of its translated paragraphs and of the example
questions staff wrote for each topic, and of questions our article does not answer (all translated
through the catalogs like every text). Which topic a question is about is first asked of a small model
trained on those same texts (``TopicModel``, content/questions_model.json, written by ``textline content
train-questions``): when it is sure of a topic, BM25 picks that topic's paragraphs; when it is sure our
article does not answer the question, the caller sends the menu. When it is unsure, or has not seen the
language yet, BM25 decides alone: the best topic must score enough, clearly lead the next, and not be
beaten by the questions our article does not answer on words of their own; else the menu. Nothing here
generates or rewrites text: a hit names paragraphs.

Why our own BM25 and not bm25s or SQLite FTS5: the whole corpus is a few hundred short documents, so
a dictionary of postings scores a question in microseconds with no numpy, scipy or database in the
core, and the tokenizers below (one per script) are the part that matters.
"""

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .crisis import arabic_fold
from .normalize import normalize, simplified

K1, B = 1.2, 0.75
STEM = 5  # Latin and Cyrillic words are cut to their first letters: "medication", "medicines" -> "medic"

# What a question must show before it is answered, besides being closer to a topic than to the questions our
# article does not answer (content/outside.yaml): its best topic's score, and how far that topic leads the
# next. Chosen by a sweep on the development split only (the best right-topic share with at least 95%
# rightly abstained; docs/PERFORMANCE.md). And the share of the question found in that topic (each word
# weighing as its rarest term, a word no document has weighing most): on the development split the two
# answers below 39% were wrong ones (22% and 25%), so below 30% the menu is sent (fresh sets: 11 fewer wrong
# answers in 5,834 texts, 6 right ones lost).
MIN_SCORE = 4.0
MIN_LEAD = 0.05
MIN_SHARE = 0.3

# How sure the topic model must be before it decides alone: of a topic, to answer with it; that our article
# does not answer the question, to send the menu. Less sure either way, the BM25 rules decide. Chosen on the
# development split (the best right-topic share with at least 95% rightly abstained; docs/PERFORMANCE.md),
# never on the frozen third.
MIN_PROBABILITY = 0.4
OUTSIDE_SURE = 0.7

SECOND = 0.5  # a second paragraph joins the answer when it scores at least this share of the first
# A topic scores as its best document, plus its second and third best worth AGREEMENT and AGREEMENT² as
# much: a question several of a topic's paragraphs and example questions agree on is that topic's, more
# surely than one a single document happens to share words with (dev split: right topic 82.2% -> 87.2%,
# abstained unchanged at 95.5%; swept 0-1 with MIN_LEAD, docs/PERFORMANCE.md).
AGREEMENT = 0.8

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]+")
_OWN_READING = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3\u0600-\u06ff]")  # the three above
# Korean particles and common endings, longest first: 약은 -> 약, 치료를 -> 치료, 의사에게 -> 의사.
_KO_TAILS = sorted(
    """
은 는 이 가 을 를 에 에서 에게 께 의 로 으로 도 만 과 와 랑 이랑 하고
이나 나 요 이요 인가요 인가 은요 는요 이에요 예요 입니다 이란 란 이라는 라는
에는 에서는 으로는 로는 까지 부터 처럼 보다 한테 해요 하나요 할까요 되나요
있나요 없나요 있어요 하면 인지 일까요 이야 야
""".split(),  # noqa: SIM905 (a list of words, as a translator would write it)
    key=len,
    reverse=True,
)
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_AR_SUFFIXES = ("ها", "هم", "كم", "نا", "ات", "ون", "ين", "ان", "ه", "ي", "ك")


OUTSIDE = ""  # the "topic" of example questions our article does not answer


@dataclass(frozen=True)
class Document:
    """One thing a question can match: a paragraph (its index in the topic) or an example question (None);
    example questions the article does not answer have the topic OUTSIDE."""

    topic: str
    paragraph: int | None
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """The best topic for a question and the paragraphs to answer with, best first; or why there is none."""

    topic: str | None
    paragraphs: tuple[int, ...]
    score: float  # BM25's, of the topic (0 when the topic model decided alone)
    share: float  # of the question found in the topic by BM25; with a topic model, how sure it is
    lead: float
    why: str
    asked: bool = True  # False: only greetings and small words, nothing to look up

    @property
    def answered(self) -> bool:
        return self.topic is not None


NOTHING_ASKED = Found(None, (), 0.0, 0.0, 0.0, "greeting or thanks", asked=False)
IN_GENERAL = Found(None, (), 0.0, 0.0, 0.0, "depression or its treatment in general", asked=False)


def words(
    text: str, syllables: bool = False, common: frozenset[str] = frozenset(), normalized: str | None = None
) -> list[tuple[str, ...]]:
    """``text`` as words, each word the index terms it stands for: Latin and Cyrillic words cut to a stem;
    Chinese characters, each with the pair it starts; Korean words without their particles, with their
    syllable pairs; Arabic words without attached prefixes and suffixes; in a language written in
    ``syllables`` (Vietnamese), syllables with the pair each starts, with and without tone marks.
    ``common`` words (normalized) are left out. ``normalized``: ``normalize(text)``, when the caller has it."""
    folded = normalize(text) if normalized is None else normalized
    if _HAN.search(folded):
        folded = folded.translate(simplified())
        for entry in _unspaced(common):  # Chinese has no spaces: take common words out, longest first
            folded = folded.replace(entry, " ")
    tokens = folded.split()
    if syllables:
        marked = re.findall(r"\w+", text.casefold())
        pairs = [(w, m) for w, m in zip(tokens, marked if len(marked) == len(tokens) else tokens, strict=True)]
        pairs = [(w, m) for w, m in pairs if m not in common]  # marks kept: "nhà" (house) is not "nha"
        out = []
        for n, (syllable, mark) in enumerate(pairs):
            after = pairs[n + 1] if n + 1 < len(pairs) else None
            group = [syllable, *([f"{syllable}_{after[0]}"] if after else [])]
            if mark != syllable:
                group += [f"~{mark}", *([f"~{mark}_{after[1]}"] if after else [])]
            out.append(tuple(group))
        return out
    return [group for word in tokens if word not in common for group in _word_terms(word, common)]


@functools.lru_cache(maxsize=64)
def _unspaced(common: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted((c for c in common if _HAN.search(c)), key=lambda c: (-len(c), c)))  # one order, every run


def common_forms(entries: list[str], syllables: bool = False) -> frozenset[str]:
    """The forms ``words`` compares small words in: normalized, or with their marks in a syllable language."""
    if syllables:
        return frozenset(w for entry in entries for w in re.findall(r"\w+", entry.casefold()))
    return frozenset(w for entry in entries for w in _simplified(normalize(entry)).split())


def _simplified(text: str) -> str:
    """Chinese in simplified characters, as our catalog writes it, whichever the sender wrote: "醫保" is "医保"."""
    return text.translate(simplified()) if _HAN.search(text) else text


def terms(text: str, syllables: bool = False) -> list[str]:
    """Every index term of ``text``: what a document is made of."""
    return [term for group in words(text, syllables) for term in group]


def _word_terms(word: str, common: frozenset[str]) -> list[tuple[str, ...]]:
    if not _OWN_READING.search(word):  # most words: no script read its own way
        return [(word,)] if word.isdigit() or len(word) <= STEM else [(word[:STEM], word)]
    if _HAN.search(word):
        out: list[tuple[str, ...]] = []
        for run in _HAN.findall(word):
            out += [(char, run[i : i + 2]) if i + 1 < len(run) else (char,) for i, char in enumerate(run)]
        return out + [(w[:STEM],) for w in _HAN.sub(" ", word).split()]
    if _HANGUL.search(word):
        stem = next((word[: -len(t)] for t in _KO_TAILS if word.endswith(t) and len(word) > len(t)), word)
        if stem in common:
            return []
        return [(stem, *(stem[i : i + 2] for i in range(len(stem) - 1)))]
    if _ARABIC.search(word):
        stem = arabic_fold(word)
        for prefix in _AR_PREFIXES:
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
                stem = stem[len(prefix) :]
                break
        for suffix in _AR_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                break
        return [(stem,)]
    if word.isdigit() or len(word) <= STEM:
        return [(word,)]
    return [(word[:STEM], word)]  # the stem finds the word's family, the word itself what it is


def beyond_form(text: str, normalized: str | None = None) -> str:
    """``text`` in the form subjects our article never mentions are looked for in: normalized, Arabic folded."""
    folded = _simplified(normalize(text) if normalized is None else normalized)
    return arabic_fold(folded) if _ARABIC.search(folded) else folded


class Beyond:
    """Subjects our article never mentions (``words beyond``), found in a message: an entry as a whole word, or as
    the start of one when it has at least STEM letters ("pregnan": pregnancy) or is Korean (its particles follow:
    술을); a phrase from the start of a word; anywhere in Chinese, written without spaces; in Arabic, a word with
    its attached prefixes and suffixes (والكحول, but ارق is not ارقام). One set or dictionary lookup a word: the
    check runs on every question."""

    def __init__(self, entries: Iterable[str]):
        forms = {beyond_form(e) for e in entries} - {""}
        self.unspaced = tuple(sorted(f for f in forms if _HAN.search(f)))
        spaced = forms.difference(self.unspaced)
        self.phrases = tuple(sorted(f" {f}" + ("" if len(f.split()[-1]) >= STEM else " ") for f in spaced if " " in f))
        self.words: dict[str, str] = {}  # a word as written -> the entry it is
        self.starts: dict[str, list[str]] = {}  # an entry's first STEM letters (Korean: first syllable) -> entries
        for word in sorted(f for f in spaced if " " not in f):
            if _ARABIC.search(word):
                for prefix, suffix in itertools.product(("", *_AR_PREFIXES), ("", *_AR_SUFFIXES)):
                    self.words.setdefault(prefix + word + suffix, word)
                continue
            self.words[word] = word
            if _HANGUL.search(word) or len(word) >= STEM:
                self.starts.setdefault(word[:1] if _HANGUL.search(word) else word[:STEM], []).append(word)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.unspaced)

    def find(self, text: str, normalized: str | None = None) -> str | None:
        """The first subject of the list that ``text`` names, or None (``normalized``: ``normalize(text)``)."""
        folded = beyond_form(text, normalized)
        for token in folded.split():
            if (entry := self._entry(token)) is not None:
                return entry
        spaced = f" {folded} "
        for phrase in self.phrases:
            if phrase in spaced:
                return phrase.strip()
        for entry in self.unspaced:
            if entry in folded:
                return entry
        return None

    def without(self, text: str, normalized: str | None, keep: "Beyond") -> str:
        """``text`` as ``find`` reads it, with every subject of the list it names taken out, but for the words
        ``keep`` names (Korean 조현병약, "schizophrenia pills", is a medicine, whatever it starts with)."""
        words = beyond_form(text, normalized).split()
        kept = f" {' '.join(t for t in words if self._entry(t) is None or keep._entry(t) is not None)} "
        for entry in (*self.phrases, *self.unspaced):
            kept = kept.replace(entry, " ")
        return " ".join(kept.split())

    def _entry(self, token: str) -> str | None:
        """The entry a word of a message is, or starts with."""
        if (entry := self.words.get(token)) is not None:
            return entry
        for entry in self.starts.get(token[:1] if "\uac00" <= token[0] <= "\ud7a3" else token[:STEM], ()):  # Hangul
            if token.startswith(entry):
                return entry
        return None


class TopicModel:
    """A logistic regression from a question's index terms to its topic, or to OUTSIDE: one language's weights
    (term -> a weight per class) and the classes' biases."""

    def __init__(self, classes: tuple[str, ...], bias: tuple[float, ...], weights: dict[str, tuple[float, ...]]):
        self.classes, self.bias, self.weights = classes, bias, weights

    def probabilities(self, query: Iterable[str]) -> list[tuple[float, str]] | None:
        """(probability, class), most likely first; None when the model knows none of the terms."""
        rows = [row for term in set(query) if (row := self.weights.get(term)) is not None]
        if not rows:
            return None
        scores = [sum(column) + b for column, b in zip(zip(*rows, strict=True), self.bias, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return sorted(((e / total, c) for e, c in zip(exps, self.classes, strict=True)), reverse=True)


class QuestionIndex:
    """BM25 over one language's documents; the topic chosen by that language's ``TopicModel`` when there is one."""

    def __init__(self, documents: list[Document], model: TopicModel | None = None):
        self.documents = documents
        self.model = model
        counts: dict[str, list[tuple[int, int]]] = {}
        lengths = [len(d.terms) for d in documents]
        average = sum(lengths) / len(lengths) if lengths else 1.0
        for n, doc in enumerate(documents):
            for term, count in Counter(doc.terms).items():
                counts.setdefault(term, []).append((n, count))
        total = len(documents)
        self.idf = {t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for t, p in counts.items()}
        norms = [K1 * (1 - B + B * n / average) for n in lengths]
        # What each term adds to each document's score does not depend on the question: computed once.
        self.postings = {
            t: [(n, self.idf[t] * tf * (K1 + 1) / (tf + norms[n])) for n, tf in p] for t, p in counts.items()
        }
        self.topics = {t: frozenset(documents[n].topic for n, _ in p) for t, p in counts.items()}
        self.unseen = math.log(1 + (total + 0.5) / 0.5)  # the weight of a word no document has
        self.topic_of = [d.topic for d in documents]
        self.paragraph_of = [d.paragraph for d in documents]
        # Terms every topic's paragraphs use ("depression", "treatment", "help"): a question made of these and small
        # words only ("hi, I need information on depression treatment") asks about the whole article: the menu.
        topics_of: dict[str, set[str]] = {}
        for doc in documents:
            if doc.paragraph is not None:
                for term in doc.terms:
                    topics_of.setdefault(term, set()).add(doc.topic)
        every = {doc.topic for doc in documents if doc.paragraph is not None}
        self.general = frozenset(term for term, topics in topics_of.items() if topics == every)
        # (term, topic) -> (paragraph, weight) of that topic's paragraphs holding the term: what choosing
        # paragraphs reads, without walking every example question's postings again.
        self.in_paragraphs: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for term, postings in self.postings.items():
            for n, weight in postings:
                if (paragraph := self.paragraph_of[n]) is not None:
                    self.in_paragraphs.setdefault((term, self.topic_of[n]), []).append((paragraph, weight))

    def in_general(self, groups: list[tuple[str, ...]]) -> bool:
        """Whether every word of a question (as ``words()``, small words and chatter out) is one every topic uses."""
        return all(group[0] in self.general for group in groups)

    def find(self, groups: list[tuple[str, ...]]) -> Found:
        """The best topic for a question given as ``words()``, and its paragraphs, best first; or why none."""
        query = [term for group in groups for term in group]
        if not query or not self.documents:
            return NOTHING_ASKED
        postings = self.postings
        if not any(term in postings for term in query):
            return Found(None, (), 0.0, 0.0, 0.0, "none of its words is in the article")
        if self.model is not None and (decided := self._decide(groups, query)) is not None:
            return decided  # sure either way: BM25's scores would not be read
        scores: dict[int, float] = {}
        get = scores.get
        for term in set(query):
            for n, weight in postings.get(term, ()):
                scores[n] = get(n, 0.0) + weight
        by_topic: dict[str, list[float]] = {}
        topic_of = self.topic_of
        for n, score in scores.items():
            by_topic.setdefault(topic_of[n], []).append(score)
        best = {topic: _topic_score(found) for topic, found in by_topic.items()}
        outside = best.pop(OUTSIDE, 0.0)
        if not best:
            return Found(None, (), 0.0, 0.0, 0.0, "closest to questions our article does not answer")
        ranked = sorted(best, key=best.__getitem__, reverse=True)
        top = ranked[0]
        score = best[top]
        runner = best[ranked[1]] if len(ranked) > 1 else 0.0
        lead = (score - runner) / score
        in_top = {t for t in set(query) if top in self.topics.get(t, ())}
        # Closer to a question the article does not answer, for words the best topic does not have
        # ("a refill of sertraline"): the menu. Sharing only the topic's own words ("lithium") is no reason.
        beyond = {t for t in set(query) if OUTSIDE in self.topics.get(t, ()) and t not in in_top}
        if outside > score and beyond:
            why = f"closer to questions our article does not answer ({outside:.1f} > {top} {score:.1f})"
            return Found(None, (), score, 0.0, lead, why)
        weight = found = 0.0
        for group in groups:
            known = [self.idf[t] for t in group if t in self.idf]
            weight += max(known) if known else self.unseen
            found += max((self.idf[t] for t in group if t in in_top), default=0.0)
        share = found / weight
        order = self._paragraphs(groups, top)
        if score < MIN_SCORE:
            return Found(None, (), score, share, lead, f"best topic {top} scores {score:.1f} < {MIN_SCORE}")
        if lead < MIN_LEAD:
            return Found(None, (), score, share, lead, f"{top} and {ranked[1]} are too close ({lead:.0%})")
        if share < MIN_SHARE:
            return Found(None, (), score, share, lead, f"only {share:.0%} of it is in {top} < {MIN_SHARE:.0%}")
        where = f"paragraph {', '.join(str(p + 1) for p in order)}" if order else "its example questions"
        why = f"{top} {where}: scores {score:.1f}, {share:.0%} of it found, leads by {lead:.0%}"
        return Found(top, order, score, share, lead, why)

    def _decide(self, groups: list[tuple[str, ...]], query: list[str]) -> Found | None:
        """The model's reading of the question: its topic, answered with that topic's best paragraphs by BM25,
        or the menu when it is sure our article does not answer it; None when it is unsure either way."""
        ranked = self.model.probabilities(query) if self.model else None
        if not ranked:
            return None
        (p, top), (runner, _) = ranked[0], ranked[1]
        if top == OUTSIDE:
            if p < OUTSIDE_SURE:
                return None
            return Found(None, (), 0.0, p, p - runner, f"closest to questions our article does not answer ({p:.0%})")
        if p < MIN_PROBABILITY:
            return None
        order = self._paragraphs(groups, top)
        where = f"paragraph {', '.join(str(n + 1) for n in order)}" if order else "its example questions"
        return Found(top, order, 0.0, p, p - runner, f"{top} {where}: {p:.0%} sure, leads by {p - runner:.0%}")

    def _paragraphs(self, groups: list[tuple[str, ...]], topic: str) -> tuple[int, ...]:
        """``topic``'s best paragraph for the question, and the second when it scores at least SECOND as much.
        Each word of the question counts once, by its best term: a long word's stem and the word itself are
        not worth twice a short word ("litio" weighs as much as "resistente")."""
        by_paragraph: dict[int, float] = {}
        for group in groups:
            best: dict[int, float] = {}
            for term in group:
                for paragraph, weight in self.in_paragraphs.get((term, topic), ()):
                    if weight > best.get(paragraph, 0.0):
                        best[paragraph] = weight
            for paragraph, weight in best.items():
                by_paragraph[paragraph] = by_paragraph.get(paragraph, 0.0) + weight
        ranked = sorted(by_paragraph, key=by_paragraph.__getitem__, reverse=True)[:2]
        return tuple(p for p in ranked if by_paragraph[p] >= SECOND * by_paragraph[ranked[0]])


def _topic_score(scores: list[float]) -> float:
    first, second, third = [*sorted(scores, reverse=True)[:3], 0.0, 0.0][:3]
    return first + AGREEMENT * second + AGREEMENT * AGREEMENT * third
