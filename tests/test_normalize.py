import pytest

from service.core.normalize import normalize


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("meds", "meds"),
        (" Meds! ", "meds"),
        ("ＭＥＤＳ", "meds"),
        ("MEDS2", "meds 2"),
        ("meds\t\t2", "meds 2"),
        ("SELF-CARE", "self care"),
        ("Self care.", "self care"),
        ("MÉDICO", "medico"),
        ("me\u0301dico", "medico"),  # decomposed accent
        ("TIẾNG VIỆT", "tieng viet"),
        ("Español", "espanol"),
        ("Straße", "strasse"),
        ("中文", "中文"),
        ("药物2", "药物 2"),
        ("العربية", "العربية"),
        ("مُسَاعَدَة", "مساعدة"),  # optional Arabic vowel marks
        ("٢", "2"),  # Arabic-Indic digit
        ("हिंदी", "हिंदी"),  # Devanagari vowel signs are kept
        ("한국어", "한국어"),
        ("MEDS\x00\x07", "meds"),
        ("<Response>", "response"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalize(typed, expected):
    assert normalize(typed) == expected


@pytest.mark.parametrize("typed", ["ＭＥＤＳ ２", "Mé-dico!!", "TIẾNG VIỆT", "x\u0301\u0302", "٣أ", "a1b2"])
def test_normalize_is_idempotent(typed):
    assert normalize(normalize(typed)) == normalize(typed)
