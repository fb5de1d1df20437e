"""A Security Council letter in each UN language end to end (French: the sample corpus):
reading order, masthead, anatomy, organizations and topics."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline import extract, segment, tag

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module", params=["ar", "zh", "en", "ru", "es"])
def letter(request):
    doc = extract.extract_pdf(FIXTURES / f"letter_{request.param}.pdf")
    seg = segment.segment(doc)
    paragraphs, info = seg.paragraphs, seg.letter
    return request.param, doc, paragraphs, info


def test_masthead(letter):
    language, doc, _, _ = letter
    head = doc.masthead
    assert (head.symbol, head.language, head.original_language) == ("S/2016/871", language, "ru")
    assert head.date == dt.date(2016, 10, 18)
    assert head.organ == {"ar": "مجلس الأمن", "zh": "安全理事会", "en": "Security Council",
                          "ru": "Совет Безопасности", "es": "Consejo de Seguridad"}[language]


def test_letter_anatomy(letter):
    _, _, _, info = letter
    assert info.doc_type == "letter"
    assert info.letter_date == dt.date(2016, 10, 14)
    assert info.author == "Russian Federation"
    assert info.addressee == "Secretary-General"


def test_paragraphs_read_in_logical_order(letter):
    language, _, paragraphs, _ = letter
    kinds = [(p.kind, p.section) for p in paragraphs]
    assert kinds[0] == ("title", "letter")
    assert ("signature", "letter") in kinds
    if language == "ar":
        assert paragraphs[0].text.startswith("رسالة مؤرخة 14 تشرين الأول/أكتوبر 2016")
        assert "الأمم المتحدة" in paragraphs[0].text  # the lam-alef ligature kept in order
        assert paragraphs[-1].section == "annex"
        assert paragraphs[1].text.endswith("(انظر المرفق).")  # one paragraph over three lines
    elif language == "zh":
        assert paragraphs[0].text == "2016年10月14日俄罗斯联邦常驻联合国代表给秘书长的信"
        assert " " not in paragraphs[1].text
    assert next(p.kind for p in paragraphs if p.section == "annex") == "title"


def test_organizations_and_topics_in_every_language(letter):
    language, _, paragraphs, _ = letter
    tags = tag.tag_document(paragraphs, language)
    orgs = {e.org_id for e in tags.entities if e.org_id}
    assert {"UN", "UNSC", "CSTO", "SCO", "CIS"} <= orgs
    if language in ("en", "es"):
        assert "UNODC" in orgs
    assert "RUS" in {e.country_code for e in tags.entities}
    topics = {t.topic_id for t in tags.topics}
    assert {"1001786", "1004663"} <= topics            # drug traffic, organized crime
    assert topics & {"1006475", "1001346"}             # terrorism or counter-terrorism
    for e in tags.entities:
        assert paragraphs[e.para_id].text[e.start:e.end] == e.text
