"""Babel extractor for ``content/*.yaml``: plain ``pybabel extract`` finds every text."""

from ..core import ContentError
from .reader import messages_in_file


def extract_content(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, funcname, (context, message), comments)`` for Babel."""
    path = getattr(fileobj, "name", "content.yaml")
    try:
        messages = messages_in_file(path, fileobj.read().decode("utf-8"))
    except ContentError as error:
        raise SystemExit(f"cannot extract: {error}") from None
    for message in messages:
        yield message.line, "pgettext", (message.context, message.id), [message.comment]
