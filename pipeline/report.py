"""The run report: one self-contained HTML page (``processed/report.html``).

What was processed and what failed (and why), documents by date and language, the top
organizations and topics as bar charts, and per document its paragraphs with the entity
spans highlighted and the topics listed. No network and no JavaScript: inline CSS, inline
SVG charts, per-document sections folded in ``<details>``.

The page is ``templates/report.html.j2``, a Jinja2 template with autoescape on: every
value from the tables (PDF text, file names, error messages) is escaped there. This module
only counts and arranges what the template shows; :func:`write_report` reads the tables
and writes the page. ``python -m pipeline.report [processed]``.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, UTC
from functools import lru_cache
from typing import Any
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pandas as pd
from markupsafe import Markup

from . import store
from .loading import load_or_empty

REPORT_NAME = "report.html"
TOP_N = 15
MAX_MONTHS = 36          # more months than this in the data: documents are counted by year
LABEL_CHARS = 26  # chars of a chart label; more would overflow the 230 px label column

# Only the columns the report shows are read.
REPORT_COLUMNS = {
    "documents": ["doc_id", "source_file", "symbol", "date", "language", "title", "author",
                  "doc_type", "page_count", "n_paragraphs", "status", "pipeline_version"],
    "paragraphs": ["doc_id", "para_id", "section", "kind", "number", "page_start", "text"],
    "entities": ["doc_id", "para_id", "start", "end", "label", "org_id", "country_code",
                 "canonical_name"],
    "topics": ["doc_id", "para_id", "topic_id", "topic_label"],
    "errors": ["source_file", "stage", "error", "message", "at"],
    "organizations": ["org_id", "name_en"],
    "speeches": ["doc_id", "speech_id", "speaker", "affiliation", "role", "spoke_in", "n_words"],
}

@dataclass(frozen=True)
class Span:
    """An entity span to highlight in a paragraph."""

    start: int
    end: int
    label: str
    tooltip: str


# ---------------------------------------------------------------------------- template
def missing(value: Any) -> bool:
    """None, NA or NaT (a list is a value)."""
    return value is None or (not isinstance(value, (list, tuple)) and bool(pd.isna(value)))


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """A frame's rows as named tuples (pandas types their fields as any scalar at all)."""
    return frame.itertuples(index=False)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
        finalize=lambda value: "" if missing(value) else value)


def macros() -> Any:
    """The template's macros (bar_chart, mark, ...), callable from here."""
    return environment().get_template("pieces.html.j2").module


def present(row: Any) -> SimpleNamespace:
    """A table row for the template: missing values as None."""
    return SimpleNamespace(**{k: None if missing(v) else v for k, v in row._asdict().items()})


# ---------------------------------------------------------------------------- helpers
def short(label: str, limit: int = LABEL_CHARS) -> str:
    """A label cut to ``limit`` characters, with an ellipsis when cut."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def counts_of(values: pd.Series, missing: str = "unknown") -> pd.Series:
    """How many times each value occurs, most frequent first; missing values as ``missing``."""
    return values.astype("string").fillna(missing).value_counts()


def counts_by_period(dates: pd.Series) -> pd.Series:
    """Documents per month (per year when the dates span more than MAX_MONTHS), in time order."""
    dates = pd.to_datetime(dates.dropna())
    months = dates.dt.strftime("%Y-%m")
    periods = months if months.nunique() <= MAX_MONTHS else dates.dt.strftime("%Y")
    return periods.value_counts().sort_index()


# ---------------------------------------------------------------------------- charts
@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart's geometry: one bar per value of the counts."""

    title: str
    bars: list[SimpleNamespace]
    width: int
    height: int
    bar_height: int
    label_width: int
    pad: int


def chart(counts: pd.Series, title: str, width: int = 560, bar_height: int = 20, label_width: int = 230) -> Chart:
    """The bars of ``counts``: index as labels, values as bar lengths."""
    gap, pad = 6, 8
    scale = (width - label_width - 60) / max(int(counts.max()), 1) if len(counts) else 0
    bars = [SimpleNamespace(label=str(label), short=short(str(label)), value=int(value), y=pad + i * (bar_height + gap),
                            width=max(int(value) * scale, 1), text_y=pad + i * (bar_height + gap) + bar_height * 0.72)
            for i, (label, value) in enumerate(counts.items())]
    return Chart(title, bars, width, pad * 2 + len(bars) * (bar_height + gap), bar_height, label_width, pad)


def bar_chart_svg(counts: pd.Series, title: str) -> str:
    """A horizontal bar chart of ``counts`` as inline SVG."""
    return str(macros().bar_chart(chart(counts, title)))


def organization_counts(entities: pd.DataFrame, organizations: pd.DataFrame,
                        top: int = TOP_N) -> pd.Series:
    """Mentions of the most mentioned organizations, labelled "ID — English name"."""
    counts = counts_of(entities["org_id"].dropna()).head(top)
    names = dict(zip(organizations["org_id"], organizations["name_en"]))
    names.update({k: v for k, v in zip(entities["org_id"], entities["canonical_name"])
                  if k not in names and not pd.isna(k) and not pd.isna(v)})
    counts.index = [f"{org} — {names[org]}" if org in names else org for org in counts.index]
    return counts


def topic_counts(topics: pd.DataFrame, top: int = TOP_N) -> pd.Series:
    """Paragraphs per topic, for the most frequent topics."""
    return counts_of(topics["topic_label"]).head(top)


def charts(tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, Chart]]:
    """The four charts by id: documents by date and language, top organizations and topics."""
    documents = tables["documents"]
    return [
        ("chart-dates", chart(counts_by_period(documents["date"]), "Documents by date of issue")),
        ("chart-languages", chart(counts_of(documents["language"]), "Documents by language")),
        ("chart-organizations", chart(organization_counts(tables["entities"], tables["organizations"]),
                                      f"Top {TOP_N} organizations (mentions)")),
        ("chart-topics", chart(topic_counts(tables["topics"]), f"Top {TOP_N} topics (paragraphs)")),
    ]


# ---------------------------------------------------------------------------- run summary
def stats(tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, int]]:
    """Headline numbers of the run."""
    status = counts_of(tables["documents"]["status"])
    return [(str(name), int(n)) for name, n in [
        ("documents", len(tables["documents"])), *status.items(), ("errors", len(tables["errors"])),
        ("paragraphs", len(tables["paragraphs"])), ("entities", len(tables["entities"])),
        ("topic hits", len(tables["topics"]))]]


def failures(documents: pd.DataFrame, errors: pd.DataFrame) -> pd.DataFrame:
    """What failed and why: every error row, and documents not ok that have no error row."""
    from_errors = errors.assign(status="failed")[["source_file", "status", "stage", "error", "message"]]
    not_ok = documents[documents["status"].astype("string").fillna("") != "ok"]
    unexplained = not_ok[~not_ok["source_file"].isin(errors["source_file"])]
    from_documents = pd.DataFrame({
        "source_file": unexplained["source_file"], "status": unexplained["status"].astype("string"),
        "stage": "", "error": "", "message": "document status is " + unexplained["status"].astype("string"),
    })
    merged = pd.concat([from_errors.astype("string"), from_documents.astype("string")], ignore_index=True)
    status = documents.drop_duplicates("source_file", keep="last").set_index("source_file")["status"]
    status = status.astype("string")
    merged["status"] = merged["source_file"].map(status).fillna(merged["status"])
    return merged.sort_values(["source_file", "stage"], na_position="last", ignore_index=True)


# ---------------------------------------------------------------------------- documents
def date_text(value: Any) -> str:
    """A date as YYYY-MM-DD ('' when missing)."""
    return "" if missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """Paragraph text, HTML-escaped, with each entity span wrapped in a ``<mark>``.

    Spans are character offsets into ``text``; spans out of range, empty, or overlapping
    an earlier span are left unmarked.
    """
    mark = macros().mark
    pieces, cursor = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < cursor or span.end <= span.start or span.end > len(text):
            continue
        pieces.append(text[cursor:span.start])
        pieces.append(mark(span.label, span.tooltip, text[span.start:span.end]))
        cursor = span.end
    pieces.append(text[cursor:])
    return Markup("").join(pieces)


def spans_by_paragraph(entities: pd.DataFrame) -> dict[tuple[str, int], list[Span]]:
    """Entity spans grouped by (doc_id, para_id)."""
    grouped: dict[tuple[str, int], list[Span]] = {}
    for e in rows(entities):
        who = " · ".join(str(v) for v in (e.label, e.org_id, e.country_code, e.canonical_name)
                         if not missing(v))
        grouped.setdefault((e.doc_id, int(e.para_id)), []).append(
            Span(int(e.start), int(e.end), str(e.label), who))
    return grouped


def topics_by_paragraph(topics: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """Topic labels grouped by (doc_id, para_id)."""
    grouped: dict[tuple[str, int], list[str]] = {}
    for t in rows(topics):
        grouped.setdefault((t.doc_id, int(t.para_id)), []).append(str(t.topic_label))
    return grouped


def document_view(document: Any, paragraphs: pd.DataFrame, spans: Mapping[tuple[str, int], list[Span]],
                  topics: Mapping[tuple[str, int], list[str]], speeches: pd.DataFrame | None = None) -> SimpleNamespace:
    """What the template shows of one document: its row, heading, speakers (a meeting
    record's turns) and paragraphs."""
    doc = present(document)
    views = []
    for para in rows(paragraphs):
        key = (doc.doc_id, int(para.para_id))
        meta = " · ".join(str(v) for v in (f"¶{para.para_id}", para.section, para.kind, f"p. {para.page_start}")
                          if not missing(v))
        views.append(SimpleNamespace(para_id=para.para_id, meta=meta, number=None if missing(para.number) else para.number,
                                     text=highlight(str(para.text), spans.get(key, [])),
                                     topics=list(dict.fromkeys(topics.get(key, [])))))
    doc_topics = list(dict.fromkeys(label for p in views for label in p.topics))
    heading = " — ".join(str(v) for v in (doc.symbol or doc.source_file, date_text(document.date), doc.language,
                                          doc.title) if v)
    speakers = None
    if speeches is not None and len(speeches):
        speakers = speeches.sort_values("speech_id")[["speaker", "affiliation", "role", "spoke_in", "n_words"]] \
            .astype(object).where(lambda f: f.notna(), "")
    return SimpleNamespace(doc=doc, date=date_text(document.date), heading=heading, paragraphs=views,
                           topics=doc_topics, speakers=speakers)


def document_views(tables: Mapping[str, pd.DataFrame]) -> list[SimpleNamespace]:
    """Every document's view, in the order of the documents table."""
    paragraphs = tables["paragraphs"].sort_values(["doc_id", "para_id"])
    by_doc = {doc_id: frame for doc_id, frame in paragraphs.groupby("doc_id", sort=False)}
    spans, topics = spans_by_paragraph(tables["entities"]), topics_by_paragraph(tables["topics"])
    speeches = tables.get("speeches")
    turns = {doc_id: frame for doc_id, frame in speeches.groupby("doc_id", sort=False)} if speeches is not None else {}
    empty = paragraphs.iloc[:0]
    return [document_view(d, by_doc.get(d.doc_id, empty), spans, topics, turns.get(d.doc_id))
            for d in rows(tables["documents"])]


# ---------------------------------------------------------------------------- page
def sorted_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents by date then symbol, undated last."""
    return documents.sort_values(["date", "symbol", "source_file"], na_position="last", ignore_index=True)


def build_report(tables: Mapping[str, pd.DataFrame], title: str = "Pipeline run report",
                 generated_at: datetime | None = None) -> str:
    """The whole report page from the loaded tables (keys as in REPORT_COLUMNS)."""
    tables = {**tables, "documents": sorted_documents(tables["documents"])}
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(sorted(tables["documents"]["pipeline_version"].dropna().astype(str).unique()))
    return environment().get_template("report.html.j2").render(
        title=title, when=when, versions=versions, stats=stats(tables),
        failures=failures(tables["documents"], tables["errors"]), charts=charts(tables),
        documents=document_views(tables)) + "\n"


def read_report_tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """The columns the report needs; a table whose file is absent is empty."""
    return {name: load_or_empty(processed_dir, name, columns) for name, columns in REPORT_COLUMNS.items()}


def write_report(processed_dir: Path, out: Path | None = None) -> Path:
    """Write the run report of ``processed_dir`` (default ``processed_dir/report.html``)."""
    processed_dir = Path(processed_dir)
    out = Path(out) if out is not None else processed_dir / REPORT_NAME
    page = build_report(read_report_tables(processed_dir), title=f"Pipeline run report — {processed_dir.name}")
    store.atomic_write(out, page)
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: write the report of a processed folder and print its path."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__.split("\n")[0])
    parser.add_argument("processed", nargs="?", type=Path, default=Path("processed"))
    parser.add_argument("-o", "--out", type=Path, default=None)
    args = parser.parse_args(argv)
    print(write_report(args.processed, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
