"""The tables' contract: every Parquet table's pyarrow schema, with each column's meaning.

Column docs and examples live in the field metadata, so the README's data dictionary is
generated from here (``python -m pipeline.docs --write README.md``) and a test keeps both equal.
"""
from __future__ import annotations

import pyarrow as pa


def column(name: str, type_: pa.DataType, doc: str, example: str) -> pa.Field[pa.DataType]:
    """A field that carries its own documentation."""
    return pa.field(name, type_, metadata={"doc": doc, "example": example})


DOCUMENTS = pa.schema([
    column("doc_id", pa.string(), "First 16 hex digits of the file's SHA-256; the key of every table.", "3f1c9a0b5e2d7c44"),
    column("source_file", pa.string(), "Path of the PDF relative to the raw folder.", "S_2016_871_fr.pdf"),
    column("source_files", pa.list_(pa.string()), "Every file in the raw folder with this content.", "['S_2016_871_fr.pdf']"),
    column("source_file_hex", pa.string(), "The bytes of source_file's name, as hex, when it is not UTF-8 (source_file shows those bytes as escapes); null otherwise.", "626164ff2e706466"),
    column("sha256", pa.string(), "SHA-256 of the PDF's bytes.", "3f1c9a0b5e2d7c44…"),
    column("symbol", pa.string(), "Main UN document symbol, without reissue asterisks.", "S/2016/871"),
    column("symbols", pa.list_(pa.string()), "Every symbol of a joint document.", "['A/47/60', 'S/23329']"),
    column("reissue", pa.bool_(), "Whether the symbol carries a reissue mark (an asterisk, dropped from symbol).", "False"),
    column("organ", pa.string(), "Organ named in the masthead, as printed.", "Conseil de sécurité"),
    column("distribution", pa.string(), "Distribution: general, limited or restricted.", "general"),
    column("date", pa.date32(), "Date of issue printed in the masthead (of a meeting record: the meeting's).", "2016-10-18"),
    column("language", pa.string(), "ISO 639-1 code of this language version.", "fr"),
    column("original_language", pa.string(), "ISO 639-1 code of the original language.", "ru"),
    column("job_number", pa.string(), "UN job number, without its language suffix.", "16-17857"),
    column("session", pa.string(), "Session printed in the masthead, as printed.", "Eightieth session"),
    column("agenda_items", pa.list_(pa.string()), "Agenda items printed in the masthead.", "['26', '15 c)']"),
    column("title", pa.string(), "Title of the document (first title paragraph).", "Lettre datée du 14 octobre 2016, …"),
    column("letter_date", pa.date32(), "Date of the letter, from its title.", "2016-10-14"),
    column("author", pa.string(), "State (in English) or entity that wrote the letter.", "Russian Federation"),
    column("addressee", pa.string(), "To whom the letter is addressed (the first addressee).", "Secretary-General"),
    column("addressees", pa.list_(pa.string()), "Every addressee (identical letters).", "['Secretary-General', 'President of the Security Council']"),
    column("doc_type", pa.string(), "letter, note_verbale, report, resolution, meeting_record, agenda or other.", "letter"),
    column("meeting_number", pa.int32(), "Number of the meeting of a meeting record.", "8699"),
    column("meeting_date", pa.date32(), "Date of the meeting of a meeting record.", "2020-01-09"),
    column("meeting_time", pa.string(), "Time the meeting was called, as printed.", "10 a.m."),
    column("resumption", pa.int32(), "Resumption of a meeting (its symbol's \"(Resumption 1)\").", "1"),
    column("president", pa.string(), "President of the meeting, as printed in the masthead.", "Mr. Pham Binh Minh"),
    column("page_count", pa.int32(), "Number of pages of the PDF.", "4"),
    column("n_paragraphs", pa.int32(), "Number of rows in paragraphs for this document.", "25"),
    column("status", pa.string(), "ok, no_text_layer or failed.", "ok"),
    column("text_source", pa.string(), "Where the text was read: pdf (its text layer), ocr (every page) or mixed.", "pdf"),
    column("ocr_confidence", pa.float32(), "Mean Tesseract word confidence (0-100) of the OCR pages; null without OCR.", "91.3"),
    column("text_quality", pa.float32(), "Lowest share of a page's text-layer words the language's lexicon knows; null without a layer or lexicon.", "0.97"),
    column("pipeline_version", pa.string(), "Version of the pipeline and its data that made the rows.", "0.1.0+code.1a2b3c4d.data.5e6f7a8b"),
    column("processed_at", pa.timestamp("us", tz="UTC"), "When the document was processed (UTC).", "2026-11-27 06:00:00+00:00"),
])

PARAGRAPHS = pa.schema([
    column("doc_id", pa.string(), "Document key (documents.doc_id).", "3f1c9a0b5e2d7c44"),
    column("para_id", pa.int32(), "Reading order within the document, from 0.", "7"),
    column("section", pa.string(), "letter, annex or enclosure (main: the body of a document that is no letter).", "annex"),
    column("kind", pa.string(), "title, heading, body, list_item, signature, note, footnote or table.", "body"),
    column("number", pa.string(), "Paragraph number as printed, kept off the text.", "5."),
    column("page_start", pa.int16(), "Page where the paragraph starts (from 1).", "2"),
    column("page_end", pa.int16(), "Page where it ends.", "3"),
    column("text", pa.string(), "Repaired text; table rows on separate lines; a speaker's label taken off.", "La Fédération de Russie compte organiser…"),
    column("speech_id", pa.int32(), "Speaker's turn (speeches.speech_id) of a meeting record, null outside speeches.", "3"),
])

SPEECHES = pa.schema([
    column("doc_id", pa.string(), "Document key.", "3f1c9a0b5e2d7c44"),
    column("speech_id", pa.int32(), "Turn in reading order within the record, from 0.", "3"),
    column("speaker", pa.string(), "Speaker as printed before the colon, without the affiliation.", "Mr. Nebenzia"),
    column("affiliation", pa.string(), "Affiliation as printed in parentheses; null when none.", "Russian Federation"),
    column("country_code", pa.string(), "ISO 3166-1 alpha-3 code of the speaker's State (the President's: the presiding State).", "RUS"),
    column("role", pa.string(), "president, secretary_general, member, non_member, observer, briefer or other.", "member"),
    column("spoke_in", pa.string(), "ISO 639-1 code of the language the speaker used, when printed (\"spoke in French\").", "ru"),
    column("para_start", pa.int32(), "First paragraph of the turn (paragraphs.para_id).", "12"),
    column("para_end", pa.int32(), "Last paragraph of the turn (inclusive).", "15"),
    column("n_words", pa.int32(), "Words of the turn.", "412"),
])

PARTICIPANTS = pa.schema([
    column("doc_id", pa.string(), "Document key.", "3f1c9a0b5e2d7c44"),
    column("country_code", pa.string(), "ISO 3166-1 alpha-3 code of the State.", "CHN"),
    column("country", pa.string(), "State as printed in the masthead's table.", "China"),
    column("representative", pa.string(), "Representative as printed.", "Mr. Zhang Jun"),
    column("role", pa.string(), "president or member.", "member"),
])

ENTITIES = pa.schema([
    column("doc_id", pa.string(), "Document key.", "3f1c9a0b5e2d7c44"),
    column("para_id", pa.int32(), "Paragraph (paragraphs.para_id).", "7"),
    column("start", pa.int32(), "Start character offset into the paragraph text.", "112"),
    column("end", pa.int32(), "End character offset (exclusive).", "158"),
    column("text", pa.string(), "The span as written.", "Organisation du Traité de sécurité collective"),
    column("label", pa.string(), "ORG, GPE, LOC or PERSON.", "ORG"),
    column("org_id", pa.string(), "Canonical organization id (organizations.org_id), null if unknown.", "CSTO"),
    column("country_code", pa.string(), "ISO 3166-1 alpha-3 code of a State or territory.", "RUS"),
    column("canonical_name", pa.string(), "English name of the organization or State.", "Collective Security Treaty Organization"),
    column("source", pa.string(), "gazetteer or model.", "gazetteer"),
])

TOPICS = pa.schema([
    column("doc_id", pa.string(), "Document key.", "3f1c9a0b5e2d7c44"),
    column("para_id", pa.int32(), "Paragraph where the topic is found.", "13"),
    column("topic_id", pa.string(), "UNBIS Thesaurus concept id.", "1006475"),
    column("topic_label", pa.string(), "English label of the concept.", "TERRORISM"),
    column("score", pa.float32(), "Strength of the evidence in this paragraph (0-1).", "0.9"),
    column("matched", pa.list_(pa.string()), "Terms of the text that matched.", "['terrorisme']"),
])

ERRORS = pa.schema([
    column("source_file", pa.string(), "Path of the PDF relative to the raw folder.", "broken.pdf"),
    column("sha256", pa.string(), "SHA-256 of the file's bytes.", "e3b0c442…"),
    column("stage", pa.string(), "extract, segment, tag, write or run.", "extract"),
    column("error", pa.string(), "Error class.", "PdfError"),
    column("message", pa.string(), "What went wrong, naming the file.", "broken.pdf: not a PDF (no %PDF header)"),
    column("at", pa.timestamp("us", tz="UTC"), "When it happened (UTC).", "2026-11-27 06:00:00+00:00"),
])

ORGANIZATIONS = pa.schema([
    column("org_id", pa.string(), "Canonical id: the usual English acronym.", "CSTO"),
    column("name_en", pa.string(), "English name.", "Collective Security Treaty Organization"),
    column("type", pa.string(), "un_organ, un_body, un_agency, regional, intergovernmental, …", "regional"),
    column("parent", pa.string(), "org_id of the parent organization.", "UN"),
    *[column(f"names_{lang}", pa.list_(pa.string()), f"Names in {name}.", example)
      for lang, name, example in [
          ("ar", "Arabic", "['منظمة معاهدة الأمن الجماعي']"), ("zh", "Chinese", "['集体安全条约组织']"),
          ("en", "English", "['Collective Security Treaty Organization']"),
          ("fr", "French", "['Organisation du Traité de sécurité collective']"),
          ("ru", "Russian", "['Организация Договора о коллективной безопасности']"),
          ("es", "Spanish", "['Organización del Tratado de Seguridad Colectiva']")]],
    column("acronyms", pa.list_(pa.string()), "Acronyms in every language.", "['CSTO', 'OTSC', 'ОДКБ']"),
])

UNBIS_TOPICS = pa.schema([
    column("topic_id", pa.string(), "UNBIS Thesaurus concept id.", "1006475"),
    *[column(f"label_{lang}", pa.string(), f"Label in {name}.", example)
      for lang, name, example in [
          ("ar", "Arabic", "الإرهاب"), ("zh", "Chinese", "恐怖主义"), ("en", "English", "TERRORISM"),
          ("fr", "French", "TERRORISME"), ("ru", "Russian", "Терроризм"), ("es", "Spanish", "TERRORISMO")]],
    column("microthesaurus", pa.string(), "Microthesaurus of the concept.", "01.04.00 - DISARMAMENT AND MILITARY QUESTIONS"),
    column("domain", pa.string(), "Domain of the concept.", "01 - POLITICAL AND LEGAL QUESTIONS"),
])

# Tables made from the documents (one row group per document) and reference tables.
DOCUMENT_TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "paragraphs": PARAGRAPHS,
    "entities": ENTITIES,
    "topics": TOPICS,
    "speeches": SPEECHES,
    "participants": PARTICIPANTS,
}
REFERENCE_TABLES: dict[str, pa.Schema] = {
    "organizations": ORGANIZATIONS,
    "unbis_topics": UNBIS_TOPICS,
}
TABLES: dict[str, pa.Schema] = {**DOCUMENT_TABLES, "errors": ERRORS, **REFERENCE_TABLES}

# Columns analysts filter on: loaded as pandas categoricals.
CATEGORICAL_COLUMNS = {"kind", "section", "label", "language", "doc_type", "status", "stage", "source", "role"}
