"""Finished translations, one locale at a time, and the fallback chain between locales."""

from .model import Catalog, Message

SOURCE_LOCALE = "en"


def split_words(text: str) -> list[str]:
    """``"MEDS, MEDICINE"`` -> ``["MEDS", "MEDICINE"]``."""
    return [word.strip() for word in text.split(",") if word.strip()]


class Translations:
    """Look up a message in one locale, or in the first locale of its chain that has it."""

    def __init__(self, catalogs: dict[str, Catalog], locales: tuple[str, ...], default_locale: str):
        self.catalogs = catalogs
        self.locales = locales  # the locales served: English first
        self.default_locale = default_locale if default_locale in locales else SOURCE_LOCALE

    def text(self, locale: str, message: Message) -> str | None:
        """The finished translation of ``message`` in ``locale``, or None."""
        if locale == SOURCE_LOCALE:
            return message.id
        catalog = self.catalogs.get(locale)
        return catalog.get(message.context, message.id) if catalog else None

    def words(self, locale: str, message: Message) -> list[str]:
        return split_words(self.text(locale, message) or "")

    def chain(self, locale: str) -> list[str]:
        """``es_MX`` -> ``es`` -> default -> English, keeping only served locales."""
        steps = [locale, locale.split("_")[0], self.default_locale, SOURCE_LOCALE]
        return [step for n, step in enumerate(steps) if step in self.locales and step not in steps[:n]]

    def resolve(self, locale: str, messages: list[Message]) -> str:
        """The first locale in the chain that has every one of ``messages``: a reply is never half-translated."""
        for step in self.chain(locale):
            if all(self.text(step, m) is not None for m in messages):
                return step
        return SOURCE_LOCALE

    def status(self, locale: str, messages: list[Message]) -> str:
        """complete, stale (some of ``messages`` missing while others exist) or missing."""
        found = [self.text(locale, m) is not None for m in messages]
        if all(found):
            return "complete"
        return "stale" if any(found) else "missing"
