"""Vietnamese typed with Telex keys while the keyboard was off is read back with its marks (issue 11)."""

import pytest

from service.core.telex import syllable, untelex


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("tooi", "tôi"),
        ("uoongs", "uống"),  # the tone on the letter with a mark of its own
        ("thuoocs", "thuốc"),
        ("nguowif", "người"),  # "uow" is ươ
        ("tuwj", "tự"),
        ("tuwr", "tử"),
        ("tuwf", "từ"),
        ("ddi", "đi"),
        ("choangs", "choáng"),  # before a final consonant: the last vowel
        ("ngoaif", "ngoài"),  # the middle of three
        ("cuar", "của"),  # the first of an open pair
        ("gif", "gì"),  # "gi" is a consonant only before another vowel
        ("quas", "quá"),
        ("vaanx", "vẫn"),
    ],
)
def test_a_syllable_typed_in_telex_is_read_with_its_marks(typed, read):
    assert syllable(typed) == read


@pytest.mark.parametrize("word", ["floor", "feels", "need", "doctor", "the", "toi", "r", "2"])
def test_a_word_with_no_key_or_no_vietnamese_syllable_is_not_read(word):
    assert syllable(word) is None


def test_a_message_is_read_back_only_when_most_of_its_latin_words_are_telex():
    assert untelex("tooi muoons cheets") == "tôi muốn chết"
    assert untelex("Mọi người ơi, minhf ddi ddaay") == "mọi người ơi, mình đi đây"  # marks and keys mixed
    assert untelex("the floor feels cold and I need to see the doctor") is None
    assert untelex("I need to see a doctor soon, the sleep is bad") is None  # "soon" and "see" alone are not enough
    assert untelex("toi muon chet") is None  # no marks at all is another habit, read by the matcher itself
    assert untelex("ddi") is None  # one word is not enough
