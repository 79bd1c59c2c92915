import pytest

from service.core.paging import SMS, WHATSAPP, WHATSAPP_CHARACTERS, Budget, paginate
from service.core.reports import efficiency
from service.core.segments import GSM7, segment


def hint(page):
    return f"Reply MEDS {page} for more"


def test_short_text_is_one_page_without_hint():
    assert paginate(["One short paragraph."], Budget(SMS), hint) == ("One short paragraph.",)


def test_every_page_but_the_last_ends_with_the_next_page_hint():
    paragraphs = [f"Sentence {n} is here to fill the page with some words." for n in range(40)]
    pages = paginate(paragraphs, Budget(SMS), hint)
    assert len(pages) > 2
    for number, page in enumerate(pages[:-1], 1):
        assert page.endswith(f"\nReply MEDS {number + 1} for more")
        assert segment(page).segments <= 3
    assert "Reply MEDS" not in pages[-1]
    joined = " ".join(p.rsplit("\nReply MEDS", 1)[0] if n < len(pages) - 1 else p for n, p in enumerate(pages))
    assert joined.replace("\n", " ").split() == " ".join(paragraphs).split()


def test_a_word_longer_than_a_page_is_cut_never_oversized():
    pages = paginate(["x" * 2000], Budget(SMS), hint)
    assert all(segment(p).segments <= 3 for p in pages)


def test_chinese_pages_fit_ucs2_segments_and_join_without_spaces():
    text = "治疗抵抗性抑郁症可能需要时间。" * 40
    pages = paginate([text], Budget(SMS), lambda n: f"回复 药物 {n} 查看更多")
    assert len(pages) > 1
    assert all(segment(p).segments <= 3 for p in pages)
    assert " " not in pages[0].split("\n")[0]


def test_whatsapp_pages_may_be_long():
    paragraphs = ["A sentence of text that goes on a while." * 5] * 20
    pages = paginate(paragraphs, Budget(WHATSAPP), hint)
    assert all(len(p) <= WHATSAPP_CHARACTERS for p in pages)
    assert len(pages[0]) > 1000


def test_every_english_page_is_gsm7_within_three_segments(library):
    for topic in library.content.topics:
        for channel in (SMS, WHATSAPP):
            pages = library.topic_pages(topic, "en", channel)
            assert pages.locale == "en"
            for page in pages.pages:
                if channel == SMS:
                    assert segment(page).encoding == GSM7, (topic, page)
                    assert segment(page).segments <= 3, (topic, page)
                else:
                    assert len(page) <= WHATSAPP_CHARACTERS


def test_english_pages_use_what_they_pay_for(library):
    used, paid = efficiency(library, "en")
    print(f"\nEnglish SMS fill rate: {used}/{paid} = {used / paid:.1%}")
    assert used / paid >= 0.88


@pytest.mark.parametrize("topic", ["MEDS", "THERAPY", "SELFCARE", "DOCTOR", "BRAIN", "ABOUT"])
def test_pages_carry_every_paragraph(library, topic):
    pages = library.topic_pages(topic, "en", SMS).pages
    text = " ".join(pages)
    for paragraph in library.content.topics[topic].paragraphs:
        for word in paragraph.id.split():
            assert word in text
