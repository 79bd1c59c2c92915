"""The pure core: normalize a text, find crisis language, choose a locale, pack pages. No Flask, no database."""

from . import compiled, needs  # noqa: F401 (compiled first: a stale build gives way to its source)
from .backstop import Backstop
from .library import Library, offer_messages
from .live import LiveLibrary
from .lookup import SOURCE_LOCALE, split_words
from .model import (
    Catalog,
    Content,
    ContentError,
    CrisisLine,
    Languages,
    Message,
    Problem,
    Review,
    Topic,
    Voice,
    Voices,
)
from .normalize import compact, normalize
from .pages import TopicPages
from .paging import CHANNELS, SMS, SMS_SEGMENTS, WHATSAPP, WHATSAPP_CHARACTERS, Budget, paginate
from .questions import TopicModel
from .replies import (
    CRISIS,
    CRISIS_SOFT,
    HELP,
    MENU,
    START,
    STOP,
    UNDERSTOOD,
    UNKNOWN,
    Reply,
    Sender,
    answer,
    pick_locale,
)
from .segments import GSM7, PART, UCS2, capacity, gsm_friendly, segment
from .validate import placeholders, validate

__all__ = [
    "Voice",
    "Voices",
    "Backstop",
    "CHANNELS",
    "CRISIS",
    "CRISIS_SOFT",
    "GSM7",
    "HELP",
    "MENU",
    "PART",
    "SMS",
    "SMS_SEGMENTS",
    "SOURCE_LOCALE",
    "START",
    "STOP",
    "UCS2",
    "UNDERSTOOD",
    "UNKNOWN",
    "WHATSAPP",
    "WHATSAPP_CHARACTERS",
    "Budget",
    "Catalog",
    "Content",
    "ContentError",
    "CrisisLine",
    "Languages",
    "Library",
    "LiveLibrary",
    "Message",
    "Problem",
    "Reply",
    "Review",
    "Sender",
    "Topic",
    "TopicModel",
    "TopicPages",
    "answer",
    "capacity",
    "compact",
    "gsm_friendly",
    "needs",
    "normalize",
    "offer_messages",
    "paginate",
    "pick_locale",
    "placeholders",
    "segment",
    "split_words",
    "validate",
]
