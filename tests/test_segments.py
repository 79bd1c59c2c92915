import pytest

from service.core.segments import GSM7, UCS2, Segmentation, gsm_friendly, segment

EMOJI = "\U0001f600"  # two UTF-16 code units


@pytest.mark.parametrize(
    "text, encoding, units, segments",
    [
        ("", GSM7, 0, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("a" * 459, GSM7, 459, 3),
        ("a" * 460, GSM7, 460, 4),
        ("€" * 80, GSM7, 160, 1),
        ("a" * 159 + "€", GSM7, 161, 2),
        # An escape pair never straddles two segments: 152 + € does not fit 153.
        ("a" * 152 + "€" + "a" * 10, GSM7, 164, 2),
        ("a" * 152 + "€" + "a" * 152, GSM7, 306, 3),
        ("a" * 151 + "€" + "a" * 153, GSM7, 306, 2),
        ("[]{}~^|\\", GSM7, 16, 1),
        ("é" * 160, GSM7, 160, 1),  # é is in the GSM-7 basic set
        ("á", UCS2, 1, 1),  # á is not
        ("á" * 70, UCS2, 70, 1),
        ("á" * 71, UCS2, 71, 2),
        ("á" * 134, UCS2, 134, 2),
        ("á" * 135, UCS2, 135, 3),
        (EMOJI * 35, UCS2, 70, 1),
        (EMOJI * 36, UCS2, 72, 2),
        # A surrogate pair never straddles two segments: 66 + 2 does not fit 67.
        ("á" * 66 + EMOJI + "á" * 3, UCS2, 71, 2),
        ("á" * 66 + EMOJI + "á" * 66, UCS2, 134, 3),
        ("中" * 201, UCS2, 201, 3),
        ("a" * 160 + "’", UCS2, 161, 3),
    ],
    ids=lambda value: repr(value)[:24] if isinstance(value, str) else str(value),
)
def test_segment(text, encoding, units, segments):
    assert segment(text) == Segmentation(encoding, units, segments)


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("hasn’t “low in sodium” — ok…", 'hasn\'t "low in sodium" - ok...'),
        ("l’été", "l'été"),  # é is GSM-7, so the swap keeps the page GSM-7
        ("l’année à Montréal ç", "l’année à Montréal ç"),  # ç is not GSM-7: nothing gained, keep typography
    ],
)
def test_gsm_friendly(typed, sent):
    assert gsm_friendly(typed) == sent
