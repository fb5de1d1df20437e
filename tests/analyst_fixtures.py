"""The processed folder the analyst-side tests read (load, report, notebook).

``analyst_tables`` is the pipeline's own output on the sample fixtures (conftest's ``processed_sample``)
when that fixture exists, else a small synthetic folder written here with pyarrow and the
exact schemas of :mod:`pipeline.schemas`: three documents (two letters, one scan), their
paragraphs, entities and topics, an error row for a broken file, and the reference tables.
"""
from __future__ import annotations

from datetime import date, datetime, UTC
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.schemas import TABLES

PROCESSED_AT = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)

SCO = ("SCO", "Shanghai Cooperation Organization")
CSTO = ("CSTO", "Collective Security Treaty Organization")
UN = ("UN", "United Nations")
TERRORISM = ("1006475", "TERRORISM")
DRUGS = ("1003397", "DRUG TRAFFIC")

# (doc_id, para_id, section, kind, text, [(span, label, (org_id, name) | None, country)],
#  [(topic_id, label, matched term)])
PARAGRAPHS = [
    ("a1b2c3d4e5f60001", 0, "letter", "title",
     "Lettre datée du 14 octobre 2016, adressée au Secrétaire général", [], []),
    ("a1b2c3d4e5f60001", 1, "letter", "body",
     "L'Organisation de Shanghai pour la coopération et l'Organisation du Traité de sécurité "
     "collective luttent contre le terrorisme <ensemble> & sans relâche.",
     [("Organisation de Shanghai pour la coopération", "ORG", SCO, None),
      ("Organisation du Traité de sécurité collective", "ORG", CSTO, None)],
     [(*TERRORISM, "terrorisme")]),
    ("a1b2c3d4e5f60001", 2, "annex", "body",
     "La Fédération de Russie soutient l'Organisation des Nations Unies face au trafic de drogues.",
     [("Fédération de Russie", "GPE", None, "RUS"),
      ("Organisation des Nations Unies", "ORG", UN, None)],
     [(*DRUGS, "trafic de drogues")]),
    ("a1b2c3d4e5f60002", 0, "letter", "title",
     "Letter dated 3 May 2017 from the Permanent Representative of China", [], []),
    ("a1b2c3d4e5f60002", 1, "letter", "body",
     "The SCO recalls that terrorism threatens the United Nations and the CSTO alike.",
     [("SCO", "ORG", SCO, None), ("United Nations", "ORG", UN, None), ("CSTO", "ORG", CSTO, None)],
     [(*TERRORISM, "terrorism")]),
]

DOCUMENTS = [
    dict(doc_id="a1b2c3d4e5f60001", source_file="S_2016_871_fr.pdf", symbol="S/2016/871",
         symbols=["S/2016/871"], language="fr", original_language="ru",
         date=date(2016, 10, 18), letter_date=date(2016, 10, 14), author="Russian Federation",
         title="Lettre datée du 14 octobre 2016, adressée au Secrétaire général",
         doc_type="letter", page_count=4, status="ok"),
    dict(doc_id="a1b2c3d4e5f60002", source_file="S_2017_380_en.pdf", symbol="S/2017/380",
         symbols=["S/2017/380"], language="en", original_language="zh",
         date=date(2017, 5, 4), letter_date=date(2017, 5, 3), author="China",
         title="Letter dated 3 May 2017 from the Permanent Representative of China",
         doc_type="letter", page_count=2, status="ok"),
    dict(doc_id="a1b2c3d4e5f60003", source_file="A_47_60-S_23329_en_scanned.pdf", symbol=None,
         symbols=[], language=None, original_language=None, date=None, letter_date=None,
         author=None, title=None, doc_type=None, page_count=3, status="no_text_layer"),
]

ERRORS = [
    dict(source_file="broken.pdf", sha256="e3b0c44298fc1c14", stage="extract", error="PdfError",
         message="broken.pdf: not a PDF (no %PDF header)", at=PROCESSED_AT),
    dict(source_file="A_47_60-S_23329_en_scanned.pdf", sha256="a1b2c3d4e5f60003",
         stage="extract", error="NoTextLayerError",
         message="A_47_60-S_23329_en_scanned.pdf: no text layer (a scan)", at=PROCESSED_AT),
]


def document_rows() -> list[dict]:
    """Rows of the documents table."""
    counts = {d["doc_id"]: sum(p[0] == d["doc_id"] for p in PARAGRAPHS) for d in DOCUMENTS}
    return [{**doc, "sha256": doc["doc_id"] * 4, "organ": "Security Council",
             "distribution": "general", "job_number": None, "addressee": "Secretary-General",
             "n_paragraphs": counts[doc["doc_id"]], "pipeline_version": "0.1.0",
             "processed_at": PROCESSED_AT} for doc in DOCUMENTS]


def paragraph_rows() -> list[dict]:
    """Rows of the paragraphs table."""
    return [dict(doc_id=doc_id, para_id=para_id, section=section, kind=kind, number=None,
                 page_start=1, page_end=1, text=text)
            for doc_id, para_id, section, kind, text, _, _ in PARAGRAPHS]


def entity_rows() -> list[dict]:
    """Rows of the entities table, with offsets found in the paragraph text."""
    rows = []
    for doc_id, para_id, _, _, text, spans, _ in PARAGRAPHS:
        for span, label, org, country in spans:
            start = text.index(span)
            rows.append(dict(doc_id=doc_id, para_id=para_id, start=start, end=start + len(span),
                             text=span, label=label, org_id=org[0] if org else None,
                             country_code=country,
                             canonical_name=org[1] if org else "Russian Federation",
                             source="gazetteer"))
    return rows


def topic_rows() -> list[dict]:
    """Rows of the topics table."""
    return [dict(doc_id=doc_id, para_id=para_id, topic_id=topic_id, topic_label=label,
                 score=0.9, matched=[term])
            for doc_id, para_id, _, _, _, _, topics in PARAGRAPHS
            for topic_id, label, term in topics]


def organization_rows() -> list[dict]:
    """Rows of the organizations reference table."""
    langs = ["ar", "zh", "en", "fr", "ru", "es"]
    return [{"org_id": org_id, "name_en": name, "type": "regional" if org_id != "UN" else "un_organ",
             "parent": None, **{f"names_{lang}": [name] for lang in langs}, "acronyms": [org_id]}
            for org_id, name in (SCO, CSTO, UN)]


def unbis_rows() -> list[dict]:
    """Rows of the unbis_topics reference table."""
    langs = ["ar", "zh", "en", "fr", "ru", "es"]
    return [{"topic_id": topic_id, **{f"label_{lang}": label for lang in langs},
             "microthesaurus": "01.04.00 - DISARMAMENT AND MILITARY QUESTIONS",
             "domain": "01 - POLITICAL AND LEGAL QUESTIONS"}
            for topic_id, label in (TERRORISM, DRUGS)]


SYNTHETIC_ROWS = {
    "documents": document_rows, "paragraphs": paragraph_rows, "entities": entity_rows,
    "topics": topic_rows, "errors": lambda: ERRORS, "organizations": organization_rows,
    "unbis_topics": unbis_rows,
}


def write_synthetic_sample(folder: Path) -> Path:
    """Write every table of the synthetic sample into ``folder``, the way the pipeline does."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in SYNTHETIC_ROWS.items():
        pq.write_table(pa.Table.from_pylist(rows(), schema=TABLES[name]), folder / f"{name}.parquet")
    return folder


@pytest.fixture(scope="session")
def analyst_tables(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A processed folder: the pipeline's output on the sample fixtures if available, else the synthetic one."""
    try:
        return Path(request.getfixturevalue("processed_sample"))
    except pytest.FixtureLookupError:
        return write_synthetic_sample(tmp_path_factory.mktemp("processed"))
