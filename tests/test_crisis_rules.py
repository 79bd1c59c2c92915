"""A person in danger is recognised in their own words (issue 11): two tiers, rules by concept, every language."""

import random

import pytest
from conftest import message_text

from service.checks import check
from service.content import authoring, load_library
from service.core import CRISIS, SMS, WHATSAPP, Budget, Sender, answer
from service.core.crisis import CONFIDENT as CONFIDENT_TIER
from service.core.crisis import SOFT, _Scanner
from service.core.pages import with_crisis
from service.core.replies import CRISIS_SOFT
from service.evaluate import crisis_cases, score_crisis

US, MX = Sender(SMS, "US"), Sender(SMS, "MX")

# The examples the issue names: each must get crisis resources, alone.
CONFIDENT = [
    ("took all my pills", "en"),
    ("I just swallowed a whole bottle of sertraline", "en"),
    ("I have the pills ready", "en"),
    ("going to jump off the bridge tonight", "en"),
    ("I'm going to hang myself", "en"),
    ("I want to sleep and never wake up", "en"),
    ("everyone would be better off without me", "en"),
    ("I can't go on", "en"),
    ("I'm going to take my own life", "en"),
    ("I want to end it all", "en"),
    ("kms", "en"),
    ("unalive myself", "en"),
    ("k*ll myself", "en"),
    ("s u i c i d e", "en"),
    ("سأقتل نفسي", "ar"),
    ("me quiero quitar la vida", "es"),
    ("vou pular da ponte", "pt"),
    ("我要跳楼", "zh"),
    # "Put an end to my life", with its article (red-teamed in the twenty-ninth session: each only the backstop's
    # weaker tier)
    ("i'm going to put an end to my life", "en"),
    ("vou dar um fim na minha vida hoje", "pt"),
    ("voy a ponerle fin a mi vida", "es"),
    ("хочу положить конец своей жизни", "ru"),
    ("m vle mete yon fen ak lavi m", "ht"),
    ("ce soir je mets un terme à ma vie", "fr"),
]
# "uống hết thuốc" is also finishing a course of medicine: the weaker tier, the crisis reply still first.
SOFT_AT_LEAST = [
    ("tôi đã uống hết thuốc rồi", "vi"),
    # Maghrebi Arabic in Latin letters (crisis set 67): going to the sea "and not coming back", standing on a bridge
    ("bghit nemchi lel b7ar w manarja3ch", "ar"),
    ("kont wa9ef 3la le pont w ma habatch", "ar"),
    # Where to get a gun, or what height kills (red-teamed in every shipped language: each got the menu, and
    # "where can i buy a gun" a self-care paragraph on buying food)
    ("where can i buy a gun", "en"),
    ("what height is fatal", "en"),
    ("dónde puedo comprar una pistola", "es"),
    ("onde posso comprar uma arma", "pt"),
    ("quelle hauteur pour mourir", "fr"),
    ("где купить пистолет", "ru"),
    ("с какой высоты надо прыгать", "ru"),
    ("哪里能买到枪", "zh"),
    ("多高的楼才能摔死", "zh"),
    ("총 어디서 살 수 있어요", "ko"),
    ("mua súng ở đâu", "vi"),
    ("saan makakabili ng baril", "tl"),
    ("منين اشتري مسدس", "ar"),
    ("من اي ارتفاع الواحد يموت", "ar"),
    ("ki kote m ka achte yon zam", "ht"),
    # Whether a number of pills kills, asked (red-teamed: the menu, or in Spanish the lithium paragraph)
    ("can you die from 50 sertraline", "en"),
    ("se puede morir uno con 40 pastillas de litio", "es"),
    ("吃30片舍曲林会死吗", "zh"),
    ("ilang sertraline ang nakamamatay", "tl"),
    # The C-SSRS's questions answered plainly: intent to act, thinking how, interrupted and aborted attempts
    ("I intend to act on these thoughts", "en"),
    ("my sister walked in before i could do anything", "en"),
    ("talked myself out of it at the last minute", "en"),
    ("je pense à comment je le ferais", "fr"),
    ("ma soeur est arrivée avant que je puisse faire quoi que ce soit", "fr"),
    # ... intent to act in the other languages (checked at the end of the thirty-seventh session: Spanish got
    # a therapy passage; in the thirty-eighth, Tagalog the THERAPY page; Korean, Russian and Haitian Creole
    # were found by the backstop only)
    ("tengo la intención de actuar sobre estos pensamientos", "es"),
    ("저는 그 생각을 실행에 옮길 생각이 있어요", "ko"),
    ("Я собираюсь действовать согласно этим мыслям", "ru"),
    ("M gen entansyon pou m aji sou lide sa yo", "ht"),
    ("may balak akong gawin ang iniisip ko", "tl"),
    # A height that beckons (fresh set 78), "œ" typed as it is or as "oe"
    ("le balcon me fait de l'œil ce soir", "fr"),
    ("le balcon me fait de l'oeil ce soir", "fr"),
    ("the bridge is calling me tonight", "en"),
    # The dose that stops a heart, asked (fresh set 82), "cœur" typed either way
    ("c quoi la dose de venlafaxine qui fait que le coeur s'arrête", "fr"),
]
# Ordinary texts that alarmed before: never the crisis reply alone.
NOT_CONFIDENT = [
    "my new meds make me feel odd",
    "overdose of vitamin D",
    "how do I take my life back from depression",
    "we are organising a suicide prevention walk",
    "dying to know if ECT hurts",
    "mdr je suis mort de rire",
    "từ từ thôi",
    "em cần tư vấn",
    # Looking after one's medicines: found trying set 4's questions (a prescription written, pills counted or
    # kept close so as not to forget, one medicine "junto con" another)
    "my doctor wrote me a prescription for lithium",
    "i keep my meds next to me on the nightstand so i remember",
    "i counted my pills and the pharmacy gave me too few",
    "me dieron quetiapina junto con el antidepresivo, es normal?",
    "me passaram lítio junto com a sertralina",
    # Crisis set 25's full false alarms: a joke marked by tears of laughter, an Arabic "khalas" (enough) in Latin
    # letters read as Hindi slang, a treatment question, someone else's act told by a carer or the news
    "se la Juve perde anche stasera mi butto dal balcone 😂😂",
    "law el dawa mnfa3sh w gharrabt no3en, fe amal wala khalas?",
    "does esketamine actually help with suicidal thoughts or is it just hype",
    "meri best friend ne kal suicide ki koshish ki, wo hospital me h. main usse kya bolu?",
    "Come posso aiutare mia figlia che si taglia? L'ho scoperto ieri e non so cosa dire",
    "加班加到想死 😭 明天还要六点起",
    # Crisis set 26's: a side effect asked about, an idiom of going out, a denial in Cantonese
    "Does Spravato make suicidal thoughts worse? psych suggested it after 3 SSRIs didnt work",
    "hj vou me jogar na balada, ninguém me segura 🎉🎉",
    "唔係想死呀，淨係成個月瞓唔著，想問有冇精神科醫生介紹",
    # Crisis set 27's: someone else's overdose, a question about who ECT is for, a volunteer, a package insert
    "my mates brother overdosed on the weekend (he's ok now, home from hospital). how do i bring it up with him",
    "my mate said ECT is only for people who are suicidal, is that true? ive tried 4 meds and nothing's worked",
    "我想當自殺防治志工，需要什麼資格？",
    "항우울제 설명서에 '24세 이하 자살 충동 증가' 써있던데 저 23살이거든요 먹어도 되는 건가요",
    # Crisis set 65's: a film that made one "cry to death", as one laughs to death
    "看完电影哭死我了 想问下文拉法辛贵不贵",
    # The day's medicines all taken, on schedule (found red-teaming: each was the crisis reply alone)
    "i took all my morning pills",
    "took all my meds for the day, when do i take lithium",
    "выпил все таблетки на сегодня, когда пить литий?",
    "я сегодня выпила все таблетки по расписанию",
    "me tomé todas las pastillas de hoy, a qué hora tomo el litio?",
    "j'ai pris tous mes médicaments de la journée, je prends le lithium quand?",
    "اخذت كل حبوب اليوم، امتى اخذ الليثيوم؟",
    "m pran tout grenn mwen pou jodi a, ki lè pou m pran lityòm?",
    # "хватит" is "enough" (of pills) and "stop it": stop sending menus, only lithium asked about
    "хватит слать меню, мне только про литий узнать",
    # French "prise" is a blood test or weight gain, not pills taken (round 25 of the fresh sets)
    "lithium prise de sang tous les combien?",
    "prise de poids avec tous les antidépresseurs?",
]


@pytest.mark.parametrize(("text", "locale"), CONFIDENT)
def test_the_issues_crisis_texts_get_the_crisis_reply_alone(library, text, locale):
    reply = answer(library, text, US)
    assert reply.topic == CRISIS, reply.why
    assert reply.locale == locale
    assert reply.why.startswith("crisis: ") and reply.why != "crisis: "  # names the rule that fired
    assert reply.messages == (library.for_channel(locale, SMS, library.crisis(locale, "US")),)


def test_a_texted_spelling_is_still_read_as_the_word_of_our_lists_it_stands_for(library):
    """ "badde" is read as "bade" (I want, Levantine Arabizi), one doubled letter undone. An item that holds
    "badde" as it is (an Arabizi "ken badde enzel", tried) makes it a word of our lists, which is no longer
    repaired: "badde mout" (I want to die) then got no reply at all."""
    reply = answer(library, "badde mout", US)
    assert (reply.topic, reply.locale) == (CRISIS, "ar"), reply.why


def test_arabic_in_latin_letters_is_also_read_by_its_consonants(library):
    """Arabizi spells a word many ways ("rasi", "rassi"; "khalles", "5alles"): an item written so is found by its
    consonants too, as a guess (the weaker tier in a message of more than a few words). Exceptions are not read
    so: "machi kan dhk" (I am not joking) is no "de7k" (joking) to soften "ghadi n9tel rassi" (I will kill myself)."""
    signal = library.crisis_signal("bghit n9tel rasi")
    assert signal is not None and signal.tier == SOFT and "(read as a typo)" in signal.rule, signal
    joking = library.crisis_signal("wllah ghadi n9tel rassi had lmerra machi kan dhk 3yit mn kolchi")
    assert joking is not None and joking.tier == CONFIDENT_TIER, joking
    # A single word of the parts that fire only together (took, means) is read so too: "5adit" as "5ADT" (took).
    took = library.crisis_matcher.detect("5adit el 7boub kollhom")
    assert took is not None and took.tier == SOFT and "took '5 adt'" in took.rule, took


def test_russian_yo_is_read_as_ye_either_way(library):
    """Most people type Russian ё as е, and translators write either: a list item matches in both spellings. An
    item written with е ("вздернуться", to hang oneself) finds the message written with ё; the exception written
    with ё ("волонтёр", volunteer) finds the message written with е, and softens its match."""
    hanged = library.crisis_signal("думаю вздёрнуться в гараже")
    assert hanged is not None and hanged.tier == CONFIDENT_TIER, hanged
    volunteer = library.crisis_signal("я волонтер, учимся спрашивать про суицидальные мысли прямо")
    assert volunteer is not None and volunteer.tier == SOFT and "волонтер" in volunteer.rule, volunteer


@pytest.mark.parametrize(("text", "locale"), SOFT_AT_LEAST)
def test_ambiguous_crisis_texts_get_the_crisis_reply_first(library, text, locale):
    reply = answer(library, text, US)
    assert reply.topic in (CRISIS, CRISIS_SOFT) and reply.locale == locale
    crisis = library.crisis(locale, "US")  # as written, or folded to GSM-7 with the page it opens
    assert reply.messages[0].startswith((crisis, library.for_channel(locale, SMS, crisis))), reply.messages[0]


@pytest.mark.parametrize("text", NOT_CONFIDENT)
def test_ordinary_texts_with_tempting_words_never_get_the_crisis_reply_alone(library, text):
    assert answer(library, text, US).topic != CRISIS


# Everyday words one letter from a crisis word, or run together or respelled into one: never the reply alone.
NEAR_WORDS = [
    "i want my meds changed",
    "i want to try splitting my pills",
    "my therapist susie said to ask about tms",
    "bought yoga mats, trying exercise for depression",
    "i work in coding and the brain fog is rough",
    "does ketamine cause a dopamine surge?",
    "я хочу отправиться домой",
]


@pytest.mark.parametrize("text", NEAR_WORDS)
def test_everyday_words_near_a_crisis_word_never_get_the_crisis_reply_alone(library, text):
    signal = library.crisis_signal(text)
    assert signal is None or signal.tier == SOFT, (text, signal)


def test_a_letter_doubled_for_emphasis_in_a_long_message_stays_confident(library):
    """ "matarr" is emphasis, not a guess; "deed" read as "ded" (a short word made shorter) is one."""
    signal = library.crisis_signal("me quiero matarr y ya compré las pastillas")
    assert signal is not None and signal.tier == CONFIDENT_TIER, signal
    signal = library.crisis_signal("i will deed tonight for sure")
    assert signal is None or signal.tier == SOFT, signal


# Chinese in traditional characters, Cantonese, and English glued to Chinese, as the simplified items match.
@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("我已經買咗炭", CONFIDENT_TIER),  # Cantonese 咗 for 了, 買 for 买
        ("唔想做人喇", CONFIDENT_TIER),  # Cantonese 唔 for 不
        ("繩子已經綁好了", CONFIDENT_TIER),
        ("我想kill myself", CONFIDENT_TIER),
        ("跟大家說聲再見，下輩子再見", SOFT),
    ],
)
def test_chinese_is_read_in_either_script_and_in_cantonese(library, text, tier):
    signal = library.crisis_signal(text)
    assert signal is not None and signal.tier == tier, (text, signal)


def test_crisis_words_in_latin_letters_amid_another_script_get_that_scripts_reply(library):
    """ "我想kill myself": English words found, the Chinese reply (with China's line), as the ordinary answer is."""
    reply = answer(library, "我想kill myself", Sender(WHATSAPP, "CN"))
    assert reply.topic == CRISIS and reply.locale == "zh", reply
    assert answer(library, "kill myself", Sender(SMS, "CN")).locale == "en"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("어제 tylenol 한통 다 삼켰어요", CONFIDENT_TIER),  # a means in English among the Korean parts
        ("我啱啱食咗成樽 panadol", CONFIDENT_TIER),
        ("我把一整瓶xanax都吃了", CONFIDENT_TIER),
        ("我去europe吃了很多", SOFT),  # "rope" is no word of its own in "europe": took and a quantity only
        ("شربت علبة xanax كلها", CONFIDENT_TIER),  # and among Arabic
    ],
)
def test_a_means_in_latin_letters_meets_the_chinese_korean_or_arabic_around_it(library, text, tier):
    signal = library.crisis_signal(text)
    assert signal is not None and signal.tier == tier, (text, signal)
    assert ("means" in signal.rule) == (tier == CONFIDENT_TIER), signal


def test_only_od_d_is_read_as_a_past_tense(library):
    """ "od'd" is "overdosed"; "we'd" is not "weed" (an exception), nor "it'd" a word of its own."""
    matcher = library.crisis_matcher
    assert matcher._words_of("i od'd last night")[0][0] == ("i", "oded", "last", "night")
    assert matcher._words_of("we'd it'd")[0][0] == ("wed", "itd")
    assert answer(library, "we'd all be better off without me", US).topic == CRISIS


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("i swallowed 50 ami triptyline", "en"),  # a medicine speech recognition does not know, heard as two words
        ("took 30 of my sero quel", "en"),  # read as written: "sero" is not "spero" mistyped
        ("i want to over dose tonight", "en"),
        ("me tomé 20 de sertra lina", "es"),
        ("i swear i took a whole box of ami trip tyline", "en"),  # three one-letter words: still read whole
    ],
)
def test_a_long_word_of_ours_split_in_two_is_read_whole(library, text, locale):
    reply = answer(library, text, US)
    assert (reply.topic, reply.locale) == (CRISIS, locale), reply


def test_words_are_joined_only_into_a_long_word_and_never_out_of_an_item_of_their_own(library):
    """ "self harm" is an item (with its exceptions, "used to self harm"); parts of one or two letters and short
    words stay apart."""
    words_of = library.crisis_matcher._words_of
    assert words_of("i want to over dose")[0][0] == ("i", "want", "to", "overdose")
    assert words_of("used to self harm in school")[0][0] == ("used", "to", "self", "harm", "in", "school")
    assert words_of("de sertra li na")[0][0][-3:] == ("sertra", "li", "na")
    scars = "used to self harm in high school, scars are old. does laser help fade them?"
    assert answer(library, scars, US).topic != CRISIS


def test_items_inside_unspaced_text_are_all_found_in_one_pass():
    """The Aho-Corasick scan finds what looking for every item at every position finds: overlapping items,
    items inside items, in the order of where they start, then end."""
    scanner = _Scanner("char")
    items = ["ab", "b", "abc", "bca", "cab", "a", "bcab", "死", "想死", "我想"]
    for n, item in enumerate(items):
        scanner.add(item, f"l{n % 3}", "harm")
    scanner.build()
    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice("abc死想我 ") for _ in range(rng.randrange(0, 30)))
        expected = [
            (start, start + len(item), item)
            for start in range(len(text))
            for item in sorted((i for i in items if text.startswith(i, start)), key=len)
        ]
        found = [(h.start, h.end, h.item, h.locale) for h in scanner.scan(text)]
        assert found == [(start, end, item, f"l{items.index(item) % 3}") for start, end, item in expected], text


def test_an_exception_inside_a_longer_match_leaves_that_match_whole(library):
    """ "jump in" (the pool) is an exception; "jump in front of" holds it in its own words, so it stays confident,
    while a first match that the exception lies outside of is still softened."""
    signal = library.crisis_signal("I want to jump in front of the train tomorrow morning")
    assert (signal.tier, signal.rule) == (CONFIDENT_TIER, "en: phrases 'jump in front of'")
    assert library.crisis_signal("i want to die, jump in the pool with me lol").tier == SOFT


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("no quiero morir", SOFT),  # the exception NO QUIERO MORIR negates the phrase QUIERO MORIR
        ("no quiero morir pero me corté otra vez", CONFIDENT_TIER),  # ... and no other
        ("ما ودي اموت قبل ما اشوف عيالي", SOFT),
        ("ana mesh 3ayez amoot bas mesh 3ayez a3eesh keda", CONFIDENT_TIER),
        ("我又用刀片割手了 不是想死", CONFIDENT_TIER),
        ("社死现场 我不想活了", SOFT),  # an exception with no phrase of its own (social death) softens every match
        ("lol i want to kill myself", SOFT),
    ],
)
def test_an_exception_that_negates_a_phrase_softens_that_phrase_only(library, text, tier):
    assert library.crisis_signal(text).tier == tier


def test_an_arabic_part_inside_another_parts_word_is_not_a_part_of_its_own(library):
    """ستين (sixty) is found inside فلوكستين (fluoxetine): "I swallowed two fluoxetine" is no overdose of sixty,
    while a word that is two parts at once (جهزت: I prepared) and a quantity holding the means still count."""
    signal = library.crisis_signal("بلعت حبتين فلوكستين")
    assert signal is None or signal.tier == SOFT, signal
    assert library.crisis_signal("جهزت الحبل").tier == CONFIDENT_TIER
    assert library.crisis_signal("بلعت ستين حبة فلوكستين").tier == CONFIDENT_TIER


@pytest.mark.parametrize(
    "text",
    [
        "honestlyjustwannagotosleepandnotwakeup. been on sertraline 3 months n nothing changed",
        "thankuforlisteningallthesemonths.uguysweresonicetome.thisismylastmsg.bye",
        "d e s s a  v e z  e u  n a o  f a l h o",  # spaced out: one long run of letters
    ],
)
def test_phrases_in_words_run_together_are_the_weaker_tier(library, text):
    signal = library.crisis_signal(text)
    assert signal is not None and signal.tier == SOFT, text
    assert "inside a longer word" in signal.rule


def test_a_means_made_ready_with_no_i_is_the_weaker_tier_in_a_few_words_only(library):
    """ "Rope's ready" names no one; in a message of a few words a means made ready is one being prepared, the weaker
    tier. In a longer message, with no "I", it is a question as often as not ("o psiquiatra quer juntar mirtazapina
    com venlafaxina": to combine, not to gather), and the rule stays quiet. The rules alone: not the backstop."""
    detect = library.crisis_matcher.detect
    for text in ("Rope's ready", "got the pills ready", "gun's loaded"):
        signal = detect(text)
        assert signal is not None and signal.tier == SOFT and "prepared" in signal.rule, (text, signal)
    for text in ("o psiquiatra quer juntar mirtazapina com venlafaxina, isso e normal?", "skipping rope"):
        assert detect(text) is None, text


def test_a_long_word_that_is_no_phrase_run_together_is_left_alone(library):
    for text in ("goodmorningeveryone, how are you", "thankyousomuchforthelithiuminfo", "antidepressants"):
        assert library.crisis_signal(text) is None, text


def test_a_korean_word_is_not_read_across_the_space_after_it(library):
    """Korean items are read with the spaces taken out, so "혼자 살아요" (I live alone) holds the letters of
    자살 (suicide) and "혼자 해요" (I do it alone) those of 자해 (self-harm). Across a space they are two words;
    typed without the space, a two-letter item begun inside a word is the weaker tier at most."""
    for text in ("저는 혼자 살아요", "혼자 해결해야 해요", "여자 살 빼는 법", "운동은 혼자 해요"):
        assert library.crisis_signal(text) is None, text
    for text in ("혼자살아요", "문자해 주세요"):
        signal = library.crisis_signal(text)
        assert signal is not None and signal.tier == SOFT and "inside a longer word" in signal.rule, (text, signal)
    confident = ("또 자해했어", "자살하고 싶어", "자 살 하 고 싶 어")
    confident += ("또 커터칼로 그었어요", "방금 세로켈 한 통 다 털어먹음")
    for text in confident:
        assert library.crisis_signal(text).tier == CONFIDENT_TIER, text


def test_vietnamese_tone_marks_tell_suicide_from_slowly(library):
    assert answer(library, "tôi muốn tự tử", Sender(SMS, "VN")).topic == CRISIS
    assert answer(library, "từ từ", Sender(SMS, "VN")).topic not in (CRISIS, CRISIS_SOFT)
    assert answer(library, "tư vấn", Sender(SMS, "VN")).topic not in (CRISIS, CRISIS_SOFT)
    assert answer(library, "toi muon tu tu", Sender(SMS, "VN")).topic == CRISIS_SOFT  # no marks: the weaker tier
    assert answer(library, "tu tu", Sender(SMS, "VN")).topic == CRISIS_SOFT  # alone, too
    assert answer(library, "từ từ thôi", Sender(SMS, "VN")).topic not in (CRISIS, CRISIS_SOFT)  # "slowly"


def test_latin_letters_that_look_cyrillic_are_read_as_cyrillic_among_cyrillic_letters(library):
    # "yмepeть" and "caмoубийcтвe" are typed with Latin y, e, p, c, a, o among Cyrillic letters.
    for text in ("хочу yмepeть", "мысли о caмoубийcтвe"):
        signal = library.crisis_signal(text)
        assert signal is not None and signal.tier == CONFIDENT_TIER, (text, signal)
    volunteer = library.crisis_signal("я вoлoнтep, учимся говорить про мысли о самоубийстве")  # an exception, too
    assert volunteer is not None and volunteer.tier == SOFT and "'волонтер' (exception)" in volunteer.rule, volunteer
    assert library.crisis_signal("my doctor said take it easy") is None  # Latin words alone are left as they are


def test_vietnamese_typed_in_telex_with_the_keyboard_off_is_read_with_its_marks(library):
    vietnam = Sender(SMS, "VN")
    for typed in (
        "tooi seex tuwj tuwr toois nay",  # tôi sẽ tự tử tối nay
        "tooi ddax uoongs heets car lox thuoocs ngur",  # tôi đã uống hết cả lọ thuốc ngủ
        "khoong muoons soongs nuwax",  # không muốn sống nữa
    ):
        reply = answer(library, typed, vietnam)
        assert reply.topic == CRISIS, (typed, reply.why)
        assert "Telex keys read as marks" in reply.why
        assert reply.text == library.crisis("vi", "VN")
    # The marks still tell suicide from "slowly" and from "counselling" once the keys are read.
    for typed in ("tuwf tuwf thooi", "tuw vaans"):
        assert answer(library, typed, vietnam).topic not in (CRISIS, CRISIS_SOFT), typed


def test_a_weaker_signal_gets_the_whole_crisis_reply_then_the_answer_in_one_message(library):
    for text, channel in (("MEDS how many pills is too many", SMS), ("how many pills is too many", WHATSAPP)):
        reply = answer(library, text, Sender(channel, "US"))
        assert reply.topic == CRISIS_SOFT, reply.why
        assert len(reply.messages) == 1
        crisis = library.crisis("en", "US")
        assert reply.messages[0].startswith(crisis + "\n")
        assert len(reply.messages[0]) > len(crisis) + 20  # the ordinary answer follows
        assert Budget(channel).fits(reply.messages[0])
        assert "weaker crisis signal" in reply.why


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("ma3 elsalama ya shabab, akher message meni", "ar"),  # Arabic in Latin letters, without a digit for one
        ("na eopseumyeon da pyeonhalgeoya.. annyeong", "ko"),  # Korean in Latin letters
        ("tout est prêt", "fr"),  # too short for its letters to tell French from a US phone
        ("nakatayo ako sa gilid ng overpass sa edsa", "tl"),  # an English word of our lists in Tagalog
        ("He perdido el bar y debo 60.000 €. Tengo un seguro de vida", "es"),  # a Portuguese item in Spanish
    ],
)
def test_a_weaker_signal_is_answered_in_one_language(library, text, locale):
    """The crisis reply and the menu after it are in one language: that of the crisis words found where the text
    alone cannot tell its own (too short, or in Latin letters for another script), else the text's."""
    reply = answer(library, text, US)
    assert reply.topic == CRISIS_SOFT and reply.locale == locale, reply.why
    menu = library.menu_pages(locale, SMS, "US")
    assert reply.messages == (with_crisis(library, library.crisis(locale, "US"), menu, 1, SMS, "US"),)


def test_a_weaker_signal_before_a_topic_page_keeps_the_page_within_budget(library):
    """Where the whole crisis reply and the page do not fit together, the page is cut and its hint asks
    for the same page, so nothing of it is lost."""
    crisis = library.for_channel("es", SMS, library.crisis("es", "MX"))
    pages = library.topic_pages("MEDS", "es", SMS)
    combined = with_crisis(library, crisis, pages, 1, SMS, "MX")
    assert combined.startswith(crisis + "\n") and Budget(SMS).fits(combined)
    assert combined.endswith("MEDICAMENTOS ES 1 para ver mas")  # accents folded on SMS


def test_languages_we_do_not_ship_still_get_their_countrys_line(library):
    for text, country, number in (
        ("ich will nicht mehr leben", "DE", "0800 111 0 111"),
        ("voglio farla finita", "GB", "116 123"),
        ("main marna chahta hoon", "IN", "14416"),
        ("artık yaşamak istemiyorum, kendimi öldüreceğim", "DE", "0800 111 0 111"),
        ("arkadaşım veda mesajı paylaştı", "DE", "0800 111 0 111"),  # Turkish ı read as i
        ("میخوام خودکشی کنم", "GB", "116 123"),
        ("میں خودکشی کرنا چاہتا ہوں", "GB", "116 123"),
        ("もう死にたい", "US", "988"),
        ("ฉันอยากตายแล้ว", "AU", "13 11 14"),
        ("আমি আত্মহত্যা করতে চাই", "IN", "14416"),
        ("ik wil niet meer leven", "BE", "1813"),
        ("aku mau bunuh diri malam ini", "AU", "13 11 14"),
        ("nataka kujiua", "GB", "116 123"),
    ):
        reply = answer(library, text, Sender(SMS, country))
        assert reply.topic in (CRISIS, CRISIS_SOFT), (text, reply.why)
        assert number in reply.text


def test_a_language_we_do_not_ship_is_not_answered_in_another_language_of_its_script_or_country(library):
    """Persian and Urdu are written in Arabic letters but are not Arabic: their crisis words get the English
    reply (no catalog of theirs yet), while Arabic ones get the Arabic reply. Dutch from Belgium gets English
    too, not Belgium's French."""
    assert answer(library, "میخوام خودکشی کنم", Sender(SMS, "GB")).locale == "en"
    assert answer(library, "میں خودکشی کرنا چاہتا ہوں", Sender(SMS, "US")).locale == "en"
    assert answer(library, "عايز اموت", Sender(SMS, "GB")).locale == "ar"
    # nor in another language of their country: Dutch from Belgium is not answered in French
    assert answer(library, "ik wil niet meer leven", Sender(SMS, "BE")).locale == "en"
    assert answer(library, "je veux mourir", Sender(SMS, "BE")).locale == "fr"


def test_both_tiers_pass_the_flood_gate_and_are_counted_apart(make_app, twilio):
    app = make_app(flood_limit=1)
    client = app.test_client()
    from conftest import Twilio

    phone = Twilio(client)
    assert message_text(phone.post("MEDS", sender="+15550009999"))
    assert message_text(phone.post("MEDS", sender="+15550009999")).startswith("You have sent many")
    assert "988" in message_text(phone.post("too many pills", sender="+15550009999"))
    app.extensions["textline"].counts.flush()
    topics = {row["topic"] for row in app.extensions["textline"].counts.rows()}
    assert "crisis_soft" in topics


def test_a_changed_english_crisis_list_keeps_every_translation_matching(content_copy):
    path = content_copy / "content" / "crisis.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("SUICIDAL, SUICIDAL THOUGHTS,", "SUICIDAL, SUICIDAL THOUGHTS, NEW ENGLISH PHRASE,", 1))
    authoring.update(content_copy / "content", content_copy / "translations")
    # Translators see the old English on one line beside the fuzzy list, after this update and the next (babel
    # reads "#| msgid" as a comment and would write it back as one, wrapped, at every update).
    po = content_copy / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    for _ in range(2):
        entry = next(block for block in po.read_text("utf-8").split("\n\n") if 'msgctxt "crisis phrases"' in block)
        assert "#, fuzzy" in entry and '#| msgid "SUICIDAL, SUICIDAL THOUGHTS, THINKING' in entry
        assert "NEW ENGLISH PHRASE" not in entry.split("#| msgid", 1)[1].split("\n", 1)[0]
        assert "\n# |" not in po.read_text("utf-8")
        authoring.update(content_copy / "content", content_copy / "translations")
    library = load_library(content_copy / "content", content_copy / "translations", "en")
    assert {"es", "ru", "zh"} <= set(library.locales)  # still offered
    for message, country in (
        ("quiero morir", "MX"),
        ("хочу умереть", "RU"),
        ("我想死", "CN"),
        ("new english phrase", "US"),
    ):
        assert answer(library, message, Sender(SMS, country)).topic == CRISIS, message
    problems = check(content_copy / "content", content_copy / "translations")
    assert any("crisis phrases" in p.text and "stale" in p.text for p in problems)  # fails content check loudly


def test_a_rewritten_english_crisis_list_keeps_every_translation_matching(content_copy):
    """An English list rewritten past what pybabel's fuzzy matching recognises keeps its old translations,
    marked fuzzy with the old English beside them, instead of losing them to obsolete entries."""
    path = content_copy / "content" / "crisis.yaml"
    text = path.read_text("utf-8")
    start = text.index("phrases:\n  text: >-\n") + len("phrases:\n  text: >-\n")
    end = text.index("\n  note:", start)
    path.write_text(text[:start] + "    WANT TO DIE, KILL MYSELF, AN ENTIRELY NEW WORDING" + text[end:])
    authoring.update(content_copy / "content", content_copy / "translations")
    po = (content_copy / "translations" / "es" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    entry = next(block for block in po.split("\n\n") if 'msgctxt "crisis phrases"' in block)
    assert "#, fuzzy" in entry and "#| msgid" in entry and "AN ENTIRELY NEW WORDING" in entry
    library = load_library(content_copy / "content", content_copy / "translations", "en")
    assert {"es", "ru", "zh"} <= set(library.locales)
    for message, country in (("quiero morir", "MX"), ("хочу умереть", "RU"), ("我想死", "CN")):
        assert answer(library, message, Sender(SMS, country)).topic == CRISIS, message


def test_the_cli_names_the_rule_above_its_last_line(runner):
    lines = runner.invoke(args=["text", "I want to die"]).output.splitlines()
    assert lines[-2].startswith("(why: crisis: en: ") and lines[-1].startswith("-- ")


# -- the development set: floors on the frozen third ---------------------------------------------

FROZEN = crisis_cases()


@pytest.fixture(scope="module")
def frozen_scores():
    from service.content import load_library
    from service.settings import ROOT

    library = load_library(ROOT / "content", ROOT / "translations", "en")
    return score_crisis(library, FROZEN, "frozen")


def test_the_set_is_large_enough_and_a_third_is_frozen():
    by_language: dict[str, list] = {}
    for case in FROZEN:
        by_language.setdefault(case.language, []).append(case)
    for language, cases in by_language.items():
        crisis = sum(c.crisis for c in cases)
        least = (60, 40) if language == "en" else (15, 8) if language in ("de", "it", "hi") else (25, 15)
        assert crisis >= least[0] and len(cases) - crisis >= least[1], language
        assert 0.25 <= sum(c.frozen for c in cases) / len(cases) <= 0.4, language


# Floors on the frozen third, measured with rules and backstop, less a little: a regression fails. All languages
# together: 0.95 when the rules landed, 0.97 since the thirty-fifth session (98.1% then). Each language: 0.9. Most
# have 14 to 17 frozen crisis texts, so one text is 6 or 7 points; until the thirty-fifth session the floor was 0.95
# (no miss) for most, but each retraining of the backstop moves a text or two across its threshold (French lost one
# and Haitian Creole kept its; retrained on eight more sets, the other way round), so a per-language floor of no
# miss tested luck, not regressions. English, with 35, is at 97.1% (34 of 35) since the forty-eighth session.
LANGUAGE_FLOOR = 0.9
FLOOR = 0.97


def test_frozen_recall_and_false_alarms_stay_at_their_floors(frozen_scores):
    for language, score in frozen_scores.items():
        assert score.recall >= LANGUAGE_FLOOR, (language, score.recall)
    crisis = sum(s.crisis for s in frozen_scores.values())
    caught = sum(s.full + s.soft for s in frozen_scores.values())
    ordinary = sum(s.ordinary for s in frozen_scores.values())
    assert caught / crisis >= FLOOR
    assert sum(s.full_alarms for s in frozen_scores.values()) / ordinary <= 0.02
    assert sum(s.soft_alarms for s in frozen_scores.values()) / ordinary <= 0.10


def test_the_fresh_sets_stay_where_tuning_left_them(library):
    """tests/data/fresh/crisis: sets written apart from the lists, each measured blind once and then tuned on (its
    README has the blind figures), and the backstop's training texts since. Where tuning left them, less a little:
    a list edit that loses them fails here."""
    from service.evaluate import DATA

    scores = score_crisis(library, crisis_cases(DATA / "fresh" / "crisis")).values()
    ordinary = sum(s.ordinary for s in scores)
    assert sum(s.full + s.soft for s in scores) / sum(s.crisis for s in scores) >= 0.98
    assert sum(s.full_alarms for s in scores) / ordinary <= 0.015


def test_the_weaker_tier_never_cuts_the_crisis_reply_in_any_language(library):
    for locale in library.locales:
        for country in ("US", "PH", None):
            for channel in (SMS, WHATSAPP):
                crisis = library.for_channel(locale, channel, library.crisis(locale, country))
                for pages in (
                    library.menu_pages(locale, channel, country),
                    library.topic_pages("MEDS", locale, channel),
                ):
                    combined = with_crisis(library, crisis, pages, 1, channel, country)
                    assert combined.startswith(crisis), (locale, country, channel)
                    assert Budget(channel).fits(combined), (locale, country, channel)
                    # After it, whole lines of the page (never part of one), and the hint if any is left out.
                    page = pages.pages[0].split("\n")
                    assert all(line in page for line in combined[len(crisis) :].split("\n")[1:-1]), combined


def test_the_shipped_backstop_is_what_training_on_the_shipped_examples_gives(library):
    """content/crisis_backstop.json is rebuilt by `textline content train-crisis`; edited examples without
    retraining (or a hand-edited file) fail here."""
    import json

    from service.settings import ROOT
    from service.training import train

    shipped = json.loads((ROOT / "content" / "crisis_backstop.json").read_text("utf-8"))
    fitted = train(library)
    assert (fitted.threshold, fitted.bias, len(fitted.weights)) == (
        shipped["threshold"],
        shipped["bias"],
        len(shipped["weights"]),
    )


def test_the_backstop_only_ever_adds_the_weaker_tier(library):
    """What the rules miss it may flag, softly, naming itself; ordinary questions it leaves alone."""
    missed = "sold my guitar, wrote my letters, i am at peace now"
    assert library.crisis_matcher.detect(missed) is None
    signal = library.crisis_signal(missed)
    assert signal is not None and signal.tier == SOFT and signal.rule.startswith("backstop: ")
    reply = answer(library, missed, Sender(SMS, "US"))
    assert reply.topic == "crisis_soft" and "988" in reply.text
    for ordinary in ("what is the dose of sertraline", "MEDS", "how do I find a therapist"):
        assert library.crisis_signal(ordinary) is None, ordinary


def test_the_backstop_scores_a_message_by_the_weights_of_its_features(library):
    """The backstop reads each message as `features` names it (what training fits): its score is the weights of
    those features, each once, however it looks them up (the words it keeps at hand included, read twice)."""
    import math

    from service.core.backstop import KINDS, features

    backstop = library.content.backstop
    weights = {
        kind + name: w for kind, table in zip(KINDS, backstop._by_kind, strict=True) for name, w in table.items()
    }
    texts = [case.text for case in crisis_cases()][::7] + [
        "depressed by depression, overdose or overdosed pills pills",  # a word repeated, one stem for two words
        "i took the pills the pills i took",  # a pair repeated
        "我想死了 真的 不想活了 wo xiang si",  # characters and words together
        "저는 혼자 살아요 그냥 다 끝내고 싶어요",
    ]
    scored = 0
    for _ in range(2):
        for text in texts:
            if (p := backstop.probability(text)) == 0.0:  # too short to judge
                continue
            score = backstop.bias + sum(weights.get(feature, 0.0) for feature in features(text))
            assert p == pytest.approx(1.0 / (1.0 + math.exp(-score)), abs=1e-12), text
            scored += 1
    assert scored > len(texts)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("انا خدت 15 حباية زولوفت", CONFIDENT_TIER),  # a number before a means found inside Arabic words
        ("انا خدت ١٥ حباية زولوفت", CONFIDENT_TIER),  # in Arabic-Indic digits too
        ("بلعت 20 من الحبوب", CONFIDENT_TIER),  # "20 of the pills"
        ("باخد 20 مجم زولوفت", None),  # a dose in milligrams counts no pills
        ("خدت زولوفت 10 ايام", None),  # nor a number of days
    ],
)
def test_a_number_of_pills_counts_in_arabic_as_in_words(library, text, tier):
    # The rules alone: what they count as pills. (The backstop behind them may still flag a text of four words or
    # more as the weaker tier: the one of round 81 put "خدت زولوفت 10 ايام" at 0.52, over its threshold of 0.506.)
    signal = library.crisis_matcher.detect(text)
    assert (signal and signal.tier) == tier, (text, signal)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("took all my 💊", "crisis"),
        ("tomé todas mis 💊💊", "crisis"),
        ("i have the 💊 ready", "crisis"),
        ("i want ⚰️", "crisis"),
        ("i want a ⚰️ shaped cake lol", "soft"),
        ("⚰️", "soft"),  # alone, or with no word of any language: the weaker tier
        ("🪦 قريب", "soft"),
        ("took all my 💊 😂", "soft"),  # tears of laughter: an exception in every language, so soft at most
        ("took all my 💊 😅", "soft"),  # a nervous laugh too
        ("tomei 💊💊💊💊", "crisis"),  # a row of pills is a quantity of them, as "30 pills" is
        ("проглотила 💊💊💊", "crisis"),
        ("got 💊💊💊💊💊 ready", "crisis"),
        ("💊💊💊", "soft"),  # a row alone: the weaker tier
    ],
)
def test_emoji_for_a_means_or_for_death_are_read_in_every_language(library, text, tier):
    signal = library.crisis_matcher.detect(text)
    assert signal is not None and signal.tier == tier, (text, signal)
