"""Which messages each reply needs: the one declaration that the reader, the checks and the replies read.

Names are keys of ``messages:``, ``words:`` and crisis ``messages:`` in
content/messages.yaml and content/crisis.yaml.
"""

# Carrier keywords (CTIA, Twilio): only ever the whole message, never fuzzy, never a topic.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"})
START_WORDS = frozenset({"start", "yes", "unstop"})

# messages.yaml, messages:
MENU, MENU_TOPIC, MORE, PAST_END = "menu", "menu_topic", "more", "past_end"
HELP, CONTACT, STOP, START, SLOW_DOWN = "help", "contact", "stop", "start", "slow_down"
NOT_ANSWERED, ANSWER_MORE = "not_answered", "answer_more"
VOICE = {
    "voice_welcome": "the phone line's welcome",
    "voice_topic": "each topic line of the phone menu",
    "voice_other_language": "the phone menu's key for another language",
    "voice_repeat": "the phone menu's key to repeat",
    "voice_crisis": "the phone menu's crisis key",
    "voice_more": "the keys after each paragraph read on the phone",
    "voice_end": "the end of a topic on the phone",
    "voice_goodbye": "the phone line's goodbye",
    "voice_choose_language": "each line of the phone's language menu",
    "voice_more_languages": "the phone language menu's next page",
    "voice_connect": "the key to be connected to the crisis line",
    "voice_no_voice": "what a caller whose language has no voice hears",
}
MESSAGES = {
    MENU: "the menu",
    MENU_TOPIC: "each line of the menu",
    MORE: "the hint that ends every page but the last",
    PAST_END: "the reply to a page after the last",
    NOT_ANSWERED: "the line that opens the menu when a text is not understood",
    ANSWER_MORE: "the line that ends the answer to a question",
    **VOICE,
    HELP: "HELP",
    CONTACT: "the clinic contact in HELP",
    STOP: "the reply to STOP",
    START: "the reply to START",
    SLOW_DOWN: "the slow-down reply to a phone that floods the line",
}

# messages.yaml, words:
MENU_WORDS, HELP_WORDS, LANGUAGE_WORDS, GREETINGS, CHATTER, COMMON, BEYOND, CONDITIONS, THEIR_MEDICINES = (
    "menu",
    "help",
    "language",
    "greetings",
    "chatter",
    "common",
    "beyond",
    "conditions",
    "their medicines",
)
WORDS = {
    MENU_WORDS: "the words that ask for the menu",
    HELP_WORDS: "the words that ask for HELP",
    LANGUAGE_WORDS: "the name of the language",
    GREETINGS: "greetings and small words that tell a short message's language",
    CHATTER: "what people text between questions that asks nothing (thanks, got it, bye)",
    COMMON: "small words left out when a question is looked up in the article",
    BEYOND: "subjects our article never mentions: a question that names one gets the menu",
    CONDITIONS: "other conditions some of our article's medicines treat: beyond it, unless such a medicine is named",
    THEIR_MEDICINES: "the medicines our article names that also treat those conditions (lithium, antipsychotics)",
}

# crisis.yaml, messages:
CALL_OR_TEXT, CALL, EMERGENCY, DEFAULT = "call_or_text", "call", "emergency", "default"
SHORT = {CALL_OR_TEXT: "short_call_or_text", CALL: "short_call", DEFAULT: "short_default"}
CRISIS_MESSAGES = {
    CALL_OR_TEXT: "the crisis reply where the line takes calls and texts",
    CALL: "the crisis reply where the line takes calls only",
    EMERGENCY: "the emergency number after the crisis line",
    DEFAULT: "the crisis reply for countries without a listed line",
    SHORT[CALL_OR_TEXT]: "the short crisis line in menus and HELP",
    SHORT[CALL]: "the short crisis line in menus and HELP",
    SHORT[DEFAULT]: "the short crisis line in menus and HELP",
}
CRISIS_HOW = (CALL_OR_TEXT, CALL)

# crisis.yaml, phrases and rules: the lists the crisis rules are built from (service/core/crisis.py).
CRISIS_LISTS = {
    "phrases": "phrases that alone get the crisis reply",
    "passive": "passive wishes to die and goodbyes, alone enough",
    "soft": "phrases that get the crisis reply before the ordinary answer",
    "slang": "slang and self-censored suicide words, alone enough",
    "self": "the words for I, me and myself",
    "intent": "words of wanting, planning, being about to",
    "harm": "words of dying, killing and self-harm",
    "means": "means people use to hurt themselves",
    "prepared": "words that say the means are ready",
    "took": "words for taking or swallowing",
    "quantity": "words for a large amount",
    "exceptions": "words that move a match to the weaker tier",
    "spellings": "texting spellings of the lists' words, as SPELLING=WORD",
}  # what a country's line may say in ``how:``

# A locale is offered to people (listed in menus, reached by its words) once
# all of these are translated and valid: its menu, HELP, STOP/START replies,
# crisis replies and crisis phrases. Topics may still fall back one by one.
OFFERED_MESSAGES = (MENU, MENU_TOPIC, HELP, STOP, START)
OFFERED_WORDS = (MENU_WORDS, HELP_WORDS, LANGUAGE_WORDS)
