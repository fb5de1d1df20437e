"""The run report: one self-contained HTML page (``processed/report.html``).

What was processed and what failed (and why), documents by date and language, the top
organizations and topics as bar charts, and per document its paragraphs with the entity
spans highlighted and the topics listed. No network and no JavaScript: inline CSS, inline
SVG charts drawn here, per-document sections folded in ``<details>``.

Every piece is a pure function from DataFrames to an HTML string; :func:`write_report`
only reads the tables and writes the page. ``python -m pipeline.report [processed]``.
"""
from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

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
}

CSS = """
:root { --ink:#1d2433; --muted:#5b6577; --line:#d8dde6; --bar:#3b6ea8; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--bg); margin: 0; padding: 1.5rem 2rem; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; } h2 { margin: 2rem 0 .75rem; font-size: 1.25rem; }
.muted { color: var(--muted); }
.stats { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; list-style: none; }
.stats li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; }
.stats b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
svg.chart { max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
svg.chart rect.bar { fill: var(--bar); }
details.document { background: #fff; border: 1px solid var(--line); border-radius: 6px;
                   margin: .5rem 0; padding: .4rem .8rem; }
details.document > summary { cursor: pointer; font-weight: 600; }
details.document[open] > summary { margin-bottom: .5rem; }
.status-ok { color: #1c7c3c; } .status-no_text_layer, .status-failed { color: #b3261e; }
ol.paragraphs { list-style: none; padding: 0; margin: 0; }
ol.paragraphs li { border-top: 1px solid var(--line); padding: .45rem 0; }
.para-meta { font-size: .75rem; color: var(--muted); margin-right: .4rem; }
.para-text { white-space: pre-wrap; }
mark.entity { border-radius: 3px; padding: 0 2px; }
mark.entity-ORG { background: #ffe19a; } mark.entity-GPE { background: #bfe3c6; }
mark.entity-LOC { background: #c9defa; } mark.entity-PERSON { background: #f4c7d9; }
ul.tags { display: inline; list-style: none; padding: 0; margin: 0 0 0 .4rem; }
ul.tags li { display: inline-block; font-size: .72rem; background: #e7ecf5; color: #27406b;
             border-radius: 10px; padding: 0 .5rem; margin: .1rem .2rem 0 0; }
.legend mark { margin-right: .5rem; }
"""


@dataclass(frozen=True)
class Span:
    """An entity span to highlight in a paragraph."""

    start: int
    end: int
    label: str
    tooltip: str


# ---------------------------------------------------------------------------- helpers
def esc(value: object) -> str:
    """HTML-escaped text of a value; missing values (None, NA, NaT) give ''."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


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
def bar_chart_svg(counts: pd.Series, title: str, width: int = 560, bar_height: int = 20,
                  label_width: int = 230) -> str:
    """A horizontal bar chart (inline SVG) of ``counts``: index as labels, values as bars."""
    gap, pad = 6, 8
    if counts.empty:
        return (f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="40" '
                f'viewBox="0 0 {width} 40" xmlns="http://www.w3.org/2000/svg">'
                f'<text x="{pad}" y="24" class="empty">No data</text></svg>')
    height = pad * 2 + len(counts) * (bar_height + gap)
    scale = (width - label_width - 60) / max(int(counts.max()), 1)
    bars = []
    for i, (label, value) in enumerate(counts.items()):
        y = pad + i * (bar_height + gap)
        bar_width = max(int(value) * scale, 1)
        text_y = y + bar_height * 0.72
        bars.append(
            f'<g><title>{esc(label)}: {int(value)}</title>'
            f'<text x="{label_width - 6}" y="{text_y:.1f}" text-anchor="end">{esc(short(str(label)))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y}" width="{bar_width:.1f}" height="{bar_height}" rx="2"/>'
            f'<text x="{label_width + bar_width + 4:.1f}" y="{text_y:.1f}">{int(value)}</text></g>'
        )
    return (f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')


def figure(title: str, counts: pd.Series, chart_id: str) -> str:
    """A captioned chart."""
    return (f'<figure id="{chart_id}"><figcaption>{esc(title)}</figcaption>'
            f"{bar_chart_svg(counts, title)}</figure>")


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


def charts_section(tables: Mapping[str, pd.DataFrame]) -> str:
    """The four charts: documents by date and language, top organizations and topics."""
    documents = tables["documents"]
    return '<section id="charts"><h2>Overview</h2><div class="charts">' + "".join([
        figure("Documents by date of issue", counts_by_period(documents["date"]), "chart-dates"),
        figure("Documents by language", counts_of(documents["language"]), "chart-languages"),
        figure(f"Top {TOP_N} organizations (mentions)",
               organization_counts(tables["entities"], tables["organizations"]), "chart-organizations"),
        figure(f"Top {TOP_N} topics (paragraphs)", topic_counts(tables["topics"]), "chart-topics"),
    ]) + "</div></section>"


# ---------------------------------------------------------------------------- run summary
def stats_list(tables: Mapping[str, pd.DataFrame]) -> str:
    """Headline numbers of the run."""
    documents = tables["documents"]
    status = counts_of(documents["status"])
    items = [("documents", len(documents)), *status.items(),
             ("errors", len(tables["errors"])), ("paragraphs", len(tables["paragraphs"])),
             ("entities", len(tables["entities"])), ("topic hits", len(tables["topics"]))]
    return '<ul class="stats">' + "".join(
        f"<li><b>{int(n)}</b>{esc(name)}</li>" for name, n in items) + "</ul>"


def html_table(frame: pd.DataFrame, table_id: str) -> str:
    """A DataFrame as an escaped HTML table."""
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


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


def failures_section(documents: pd.DataFrame, errors: pd.DataFrame) -> str:
    """The table of failures with their reasons (or a line saying there were none)."""
    failed = failures(documents, errors)
    body = (html_table(failed, "failures-table") if len(failed)
            else '<p id="failures-none">Every file was processed without error.</p>')
    return f'<section id="failures"><h2>What failed ({len(failed)})</h2>{body}</section>'


def documents_index(documents: pd.DataFrame) -> str:
    """One line per document: what was processed."""
    rows = "".join(
        f'<tr><td><a href="#doc-{esc(d.doc_id)}">{esc(d.symbol) or esc(d.source_file)}</a></td>'
        f"<td>{esc(d.source_file)}</td><td>{esc(date_text(d.date))}</td><td>{esc(d.language)}</td>"
        f"<td>{esc(d.author)}</td><td>{esc(d.doc_type)}</td><td>{esc(d.page_count)}</td>"
        f'<td>{esc(d.n_paragraphs)}</td><td class="status-{esc(d.status)}">{esc(d.status)}</td></tr>'
        for d in documents.itertuples(index=False))
    head = "".join(f"<th>{h}</th>" for h in ["symbol", "file", "date", "language", "author",
                                            "type", "pages", "paragraphs", "status"])
    return (f'<section id="processed"><h2>What was processed ({len(documents)} documents)</h2>'
            f'<table id="documents-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>')


# ---------------------------------------------------------------------------- documents
def date_text(value: object) -> str:
    """A date as YYYY-MM-DD ('' when missing)."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def highlight(text: str, spans: Iterable[Span]) -> str:
    """Paragraph text, HTML-escaped, with each entity span wrapped in a ``<mark>``.

    Spans are character offsets into ``text``; spans out of range, empty, or overlapping
    an earlier span are left unmarked.
    """
    pieces, cursor = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < cursor or span.end <= span.start or span.end > len(text):
            continue
        pieces.append(esc(text[cursor:span.start]))
        pieces.append(f'<mark class="entity entity-{esc(span.label)}" title="{esc(span.tooltip)}">'
                      f"{esc(text[span.start:span.end])}</mark>")
        cursor = span.end
    pieces.append(esc(text[cursor:]))
    return "".join(pieces)


def tag_list(labels: Iterable[str], css_class: str = "tags") -> str:
    """Topic labels as a list of tags (none: '')."""
    items = "".join(f"<li>{esc(label)}</li>" for label in dict.fromkeys(labels))
    return f'<ul class="{css_class}">{items}</ul>' if items else ""


def spans_by_paragraph(entities: pd.DataFrame) -> dict[tuple[str, int], list[Span]]:
    """Entity spans grouped by (doc_id, para_id)."""
    grouped: dict[tuple[str, int], list[Span]] = {}
    for e in entities.itertuples(index=False):
        who = " · ".join(str(v) for v in (e.label, e.org_id, e.country_code, e.canonical_name)
                         if not pd.isna(v))
        grouped.setdefault((e.doc_id, int(e.para_id)), []).append(
            Span(int(e.start), int(e.end), str(e.label), who))
    return grouped


def topics_by_paragraph(topics: pd.DataFrame) -> dict[tuple[str, int], list[str]]:
    """Topic labels grouped by (doc_id, para_id)."""
    grouped: dict[tuple[str, int], list[str]] = {}
    for t in topics.itertuples(index=False):
        grouped.setdefault((t.doc_id, int(t.para_id)), []).append(str(t.topic_label))
    return grouped


def paragraph_item(para, spans: list[Span], topics: list[str]) -> str:
    """One paragraph: its place, text with highlighted entities, and topic tags."""
    meta = " · ".join(str(v) for v in (f"¶{para.para_id}", para.section, para.kind,
                                      f"p. {para.page_start}") if not pd.isna(v))
    number = f"{esc(para.number)} " if not pd.isna(para.number) else ""
    return (f'<li id="p-{esc(para.doc_id)}-{para.para_id}"><span class="para-meta">{esc(meta)}</span>'
            f'<span class="para-text">{number}{highlight(str(para.text), spans)}</span>'
            f"{tag_list(topics)}</li>")


def document_section(document, paragraphs: pd.DataFrame,
                     spans: Mapping[tuple[str, int], list[Span]],
                     topics: Mapping[tuple[str, int], list[str]]) -> str:
    """A collapsible section with one document's paragraphs and topics."""
    keys = [(document.doc_id, int(p)) for p in paragraphs["para_id"]]
    doc_topics = [label for key in keys for label in topics.get(key, [])]
    items = "".join(paragraph_item(p, spans.get(key, []), topics.get(key, []))
                    for p, key in zip(paragraphs.itertuples(index=False), keys))
    heading = " — ".join(v for v in (esc(document.symbol) or esc(document.source_file),
                                     esc(date_text(document.date)), esc(document.language),
                                     esc(document.title)) if v)
    body = f'<ol class="paragraphs">{items}</ol>' if items else "<p>No paragraphs.</p>"
    return (f'<details class="document" id="doc-{esc(document.doc_id)}" data-doc-id="{esc(document.doc_id)}">'
            f'<summary>{heading} <span class="status-{esc(document.status)}">[{esc(document.status)}]</span>'
            f" <span class=\"muted\">{len(paragraphs)} paragraphs</span></summary>"
            f'<div class="muted">{esc(document.source_file)} · author: {esc(document.author) or "?"}'
            f" · topics:{tag_list(doc_topics) or ' none'}</div>{body}</details>")


def documents_sections(tables: Mapping[str, pd.DataFrame]) -> str:
    """Every document's collapsible section, in date order."""
    paragraphs = tables["paragraphs"].sort_values(["doc_id", "para_id"])
    by_doc = {doc_id: frame for doc_id, frame in paragraphs.groupby("doc_id", sort=False)}
    spans, topics = spans_by_paragraph(tables["entities"]), topics_by_paragraph(tables["topics"])
    empty = paragraphs.iloc[:0]
    sections = "".join(document_section(d, by_doc.get(d.doc_id, empty), spans, topics)
                       for d in tables["documents"].itertuples(index=False))
    legend = "".join(f'<mark class="entity entity-{label}">{label}</mark>'
                     for label in ("ORG", "GPE", "LOC", "PERSON"))
    return (f'<section id="documents"><h2>Documents</h2><p class="legend muted">Entities: {legend}</p>'
            f"{sections}</section>")


# ---------------------------------------------------------------------------- page
def sorted_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents by date then symbol, undated last."""
    return documents.sort_values(["date", "symbol", "source_file"], na_position="last", ignore_index=True)


def build_report(tables: Mapping[str, pd.DataFrame], title: str = "Pipeline run report",
                 generated_at: datetime | None = None) -> str:
    """The whole report page from the loaded tables (keys as in REPORT_COLUMNS)."""
    tables = {**tables, "documents": sorted_documents(tables["documents"])}
    when = (generated_at or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(sorted(tables["documents"]["pipeline_version"].dropna().astype(str).unique()))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="muted">Generated {esc(when)}'
        f"{' · pipeline ' + esc(versions) if versions else ''}</p>{stats_list(tables)}</header>"
        f"{failures_section(tables['documents'], tables['errors'])}"
        f"{charts_section(tables)}"
        f"{documents_index(tables['documents'])}"
        f"{documents_sections(tables)}"
        "</body></html>\n"
    )


def read_report_tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """The columns the report needs; a table whose file is absent is empty."""
    return {name: load_or_empty(processed_dir, name, columns) for name, columns in REPORT_COLUMNS.items()}


def write_report(processed_dir: Path, out: Path | None = None) -> Path:
    """Write the run report of ``processed_dir`` (default ``processed_dir/report.html``)."""
    processed_dir = Path(processed_dir)
    out = Path(out) if out is not None else processed_dir / REPORT_NAME
    page = build_report(read_report_tables(processed_dir), title=f"Pipeline run report — {processed_dir.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, out)
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
