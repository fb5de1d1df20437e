"""Command line: ``python -m pipeline COMMAND --help``.

Library errors become one line on stderr and a non-zero exit: 2 for a usage error
(missing folder, no PDFs, another run in progress), 1 for a failed document under
``--strict`` or a document that cannot be read by a single-stage command.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import config
from .errors import LockedError, PipelineError, UsageError

if TYPE_CHECKING:
    from .run import Outcome
    from .types import ExtractedDocument, Segmented


def _json_default(value: object) -> str:
    return str(value)


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


class Progress:
    """A progress bar on a terminal, one log line per document elsewhere."""

    def __init__(self, stream: TextIO = sys.stderr, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.pages = 0
        self.ocr_pages = 0

    def __call__(self, outcome: Outcome, done: int, total: int) -> None:
        if self.quiet:
            return
        self.pages += outcome.pages
        self.ocr_pages += outcome.ocr_pages
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents, "
                              f"{self.pages} pages" + (f" ({self.ocr_pages} by OCR)" if self.ocr_pages else ""))
            if done == total:
                self.stream.write("\n")
        else:
            note = f" ({outcome.message})" if outcome.message else ""
            ocr = f" ({outcome.ocr_pages} by OCR)" if outcome.ocr_pages else ""
            self.stream.write(f"[{done}/{total}] {outcome.status:<13} {outcome.source_file}: "
                              f"{outcome.pages} pages{ocr}, {outcome.paragraphs} paragraphs{note}\n")
        self.stream.flush()


def cmd_run(args: argparse.Namespace) -> int:
    from .run import run

    summary = run(Path(args.raw), Path(args.out), force=args.force, workers=args.workers,
                  timeout=args.timeout, wait=args.wait, report=not args.no_report, engine=args.engine, ner=args.ner,
                  follow_symlinks=args.follow_symlinks, progress=Progress(quiet=args.quiet))
    print(summary.line())
    return 1 if args.strict and summary.failed else 0


def _extracted(args: argparse.Namespace) -> ExtractedDocument:
    from .extract import extract_pdf

    return extract_pdf(Path(args.pdf), args.engine)


def cmd_extract(args: argparse.Namespace) -> int:
    doc = _extracted(args)
    _print_json({
        "page_count": doc.page_count, "has_text_layer": doc.has_text_layer, "masthead": asdict(doc.masthead),
        "lines": [{"page": l.page, "top": round(l.top, 1), "x0": round(l.x0, 1), "size": l.size,
                   "bold": l.bold, "text": l.text} for l in doc.lines] if args.lines else len(doc.lines),
    })
    return 0


def _segmented(doc: ExtractedDocument) -> Segmented:
    from . import segment

    return segment.segment(doc)


def cmd_segment(args: argparse.Namespace) -> int:
    seg = _segmented(_extracted(args))
    _print_json({"letter": asdict(seg.letter), "paragraphs": [asdict(p) for p in seg.paragraphs],
                 **({"speeches": [asdict(s) for s in seg.speeches],
                     "participants": [asdict(m) for m in seg.participants]} if seg.speeches else {})})
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from . import tag

    doc = _extracted(args)
    tags = tag.tag_document(_segmented(doc).paragraphs, doc.masthead.language, args.ner)
    _print_json({"entities": [asdict(e) for e in tags.entities], "topics": [asdict(t) for t in tags.topics]})
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    print(write_report(Path(args.processed)))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .docs import data_dictionary_markdown

    print(data_dictionary_markdown())
    return 0


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=config.ENGINES, default=config.DEFAULT_ENGINE,
                        help=f"what reads the PDFs (default: {config.DEFAULT_ENGINE}; pdfplumber is the reference)")


def _ner_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ner", choices=config.NER_MODES, default=config.DEFAULT_NER,
                        help="model: the statistical NER and the rules; rules: the gazetteer and topic rules "
                             f"only, several times faster (default: {config.DEFAULT_NER})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="UN Security Council documents (PDF) to Parquet tables.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="process a raw folder of PDFs into the tables (only what changed)",
                         description="Process every PDF under --raw into Parquet tables under --out. "
                                     "Only new or changed PDFs (or results of an older pipeline) are processed.")
    run.add_argument("--raw", default=str(config.RAW_DIR), help="folder of PDFs, never written to (default: raw/)")
    run.add_argument("--out", default=str(config.PROCESSED_DIR), help="folder of the tables (default: processed/)")
    run.add_argument("--force", action="store_true", help="reprocess every PDF")
    run.add_argument("--workers", type=int, default=config.DEFAULT_WORKERS,
                     help="documents processed in parallel (default: the number of cores)")
    run.add_argument("--timeout", type=float, default=config.DOC_TIMEOUT_SECONDS,
                     help="seconds one document may take before it is stopped and recorded as failed")
    run.add_argument("--wait", action="store_true", help="wait for another run on --out to finish")
    run.add_argument("--strict", action="store_true", help="exit 1 when any document failed")
    run.add_argument("--quiet", action="store_true", help="print only the summary line")
    run.add_argument("--no-report", action="store_true", help="do not write report.html")
    _engine_option(run)
    _ner_option(run)
    run.add_argument("--follow-symlinks", action="store_true",
                     help="follow symbolic links that lead outside --raw (by default they are recorded as errors)")
    run.set_defaults(func=cmd_run)

    for name, func, text in [("extract", cmd_extract, "print one PDF's masthead and lines as JSON"),
                             ("segment", cmd_segment, "print one PDF's paragraphs and letter anatomy as JSON"),
                             ("tag", cmd_tag, "print one PDF's entities and topics as JSON")]:
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("pdf", help="path of a PDF")
        _engine_option(p)
        if name == "extract":
            p.add_argument("--lines", action="store_true", help="print every body line, not just their count")
        if name == "tag":
            _ner_option(p)
        p.set_defaults(func=func)

    report = sub.add_parser("report", help="write report.html for a processed folder")
    report.add_argument("processed", nargs="?", default=str(config.PROCESSED_DIR))
    report.set_defaults(func=cmd_report)

    schema = sub.add_parser("schema", help="print the data dictionary (Markdown) of every table")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    args = build_parser().parse_args(argv)
    if getattr(args, "pdf", None) and not Path(args.pdf).is_file():
        print(f"error: no such file: {args.pdf}", file=sys.stderr)
        return 2
    try:
        code: int = args.func(args)
        return code
    except (UsageError, LockedError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # an unwritable output folder, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
