"""Batch runs: every PDF of a raw folder through extract, segment and tag into the
Parquet tables of an output folder, doing only the work that changed.

A document's results are stored as a part keyed by its content (doc_id) and the
pipeline's version; a run processes the PDFs without a current part, drops the parts
of PDFs that left the raw folder, and republishes the tables when anything changed.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import multiprocessing
import signal
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from . import config, store
from .errors import DocumentTimeout, LockedError, NoTextLayerError, PdfError, PipelineError, UsageError
from .types import Engine, NerMode

LOCK_FILE = ".lock"
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """A PDF of the raw folder."""

    path: Path
    name: str      # relative to the raw folder
    sha256: str
    engine: Engine = config.DEFAULT_ENGINE  # what reads it: part of what its results depend on

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class Outcome:
    """What processing one document gave."""

    doc_id: str
    source_file: str
    status: str           # ok | no_text_layer | failed
    pages: int
    paragraphs: int
    message: str | None = None
    ocr_pages: int = 0    # pages read by OCR


@dataclass
class RunSummary:
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    no_text_layer: int = 0
    removed: int = 0
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)

    def line(self) -> str:
        return (f"processed {self.processed}, skipped {self.skipped} unchanged, failed {self.failed}"
                f" ({self.no_text_layer} without text layer, {self.removed} removed, {self.pages} pages,"
                f" {self.ocr_pages} read by OCR)"
                f" in {self.seconds:.1f}s")


# --- the version that results depend on ------------------------------------------------

# The modules that make the rows. run.py is left out: it schedules the work (and words
# the errors' messages), and a change to that should not reprocess every document.
RESULT_MODULES = ("config", "errors", "extract", "furniture", "layout", "lexicon", "masthead", "schemas", "scripts",
                  "segment", "speakers", "columns", "types", "write", "engines/__init__", "engines/plumber",
                  "engines/pdfium", "engines/ocr", "quality", "folding", "gazetteer",
                  *(f"tag/{p.stem}" for p in sorted((config.PACKAGE_DIR / "tag").glob("*.py"))))


@lru_cache(maxsize=None)
def results_version(engine: Engine = config.DEFAULT_ENGINE) -> str:
    """The pipeline's version with digests of the code that makes the rows and of its
    data files, and the engine that reads the PDFs: results made under another version
    are stale."""
    def digest(paths) -> str:
        h = hashlib.sha256()
        for path in paths:
            h.update(path.name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()[:8]

    code = digest(config.PACKAGE_DIR / f"{name}.py" for name in RESULT_MODULES)
    data = digest(sorted(config.DATA_DIR.glob("*.json")))
    return f"{config.PIPELINE_VERSION}+code.{code}.data.{data}.{engine}"


# --- one document ---------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def in_stage(stage: str) -> Iterator[None]:
    """Name the stage of an error raised inside; an unexpected one (a bug, a malformed
    PDF) becomes a StageError, recorded while the run goes on."""
    try:
        yield
    except PipelineError as exc:
        exc.stage = getattr(exc, "stage", stage)
        raise
    except Exception as exc:
        raise StageError(stage, exc) from exc


def build_document(source: SourceFile, extracted=None, ner: NerMode = config.DEFAULT_NER):
    """Extract (unless ``extracted`` is given), segment and tag one PDF. Returns its
    tables, page count, status and pages read by OCR, or raises."""
    from . import extract, segment, tag, write

    with in_stage("extract"):
        doc = extracted if extracted is not None else extract.extract_pdf(source.path, source.engine)
    if not doc.has_text_layer:
        message = f"{source.name}: no text layer (a scan?): {doc.page_count} pages, no text"
        if doc.ocr_problem:
            message += f"; {doc.ocr_problem}"
        tables = write.error_tables(_base(source), "extract", NoTextLayerError.__name__, message,
                                    status="no_text_layer", page_count=doc.page_count)
        return tables, doc.page_count, "no_text_layer", 0
    with in_stage("segment"):
        seg = segment.segment(doc)
    with in_stage("tag"):
        tags = tag.tag_document(seg.paragraphs, doc.masthead.language, ner)
    base = _base(source)
    warnings = [write.problem_row(base, "extract", "EngineFallback",
                                  f"{source.name}: {doc.fallback}; read with pdfplumber")] if doc.fallback else []
    document = write.document_row(base, doc, seg)
    return write.document_tables(document, seg, tags, warnings), doc.page_count, "ok", doc.ocr_pages


def _base(source: SourceFile) -> dict:
    from . import write

    return write.document_base(source.doc_id, source.name, source.sha256, results_version(source.engine))


class StageError(PipelineError):
    """An unexpected error inside a stage."""

    def __init__(self, stage: str, cause: Exception):
        self.stage = stage
        self.cause = cause
        super().__init__(f"{type(cause).__name__}: {cause}")


class _Expired(BaseException):
    """Raised by the alarm: a BaseException, so that no library's ``except Exception``
    swallows it on its way out."""


TIMER_REPEAT = 0.25  # s: the alarm fires again until the document gives up


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this (main) thread after ``seconds``."""
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    armed = [True]

    def expire(signum, frame):
        if armed[0]:
            raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, TIMER_REPEAT)
    try:
        yield
    except _Expired:
        armed[0] = False
        raise DocumentTimeout(f"took longer than {seconds:g}s (--timeout, PIPELINE_DOC_TIMEOUT)") from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extend_time_limit(seconds: float) -> None:
    """Give the document under a running time_limit ``seconds`` more (OCR pages)."""
    remaining, _ = signal.getitimer(signal.ITIMER_REAL) if hasattr(signal, "SIGALRM") else (0.0, 0.0)
    if remaining > 0:
        signal.setitimer(signal.ITIMER_REAL, remaining + seconds, TIMER_REPEAT)


@dataclass(frozen=True)
class HeadStart:
    """A document extracted ahead of the rest of its processing, and the time it took."""

    document: object   # extract.ExtractedDocument
    seconds: float


DOCUMENT_FAILURES = (PipelineError, MemoryError, RecursionError)


def process_document(source: SourceFile, out_dir: Path, timeout: float, head_start: HeadStart | None = None,
                     ner: NerMode = config.DEFAULT_NER) -> Outcome:
    """Process one PDF (from its extraction, if done ahead) and store its part; failures
    become a part with status failed."""
    from . import write

    limit = timeout if head_start is None or timeout <= 0 else max(timeout - head_start.seconds, 1e-3)
    try:
        with time_limit(limit):
            tables, pages, status, ocr_pages = build_document(source, head_start.document if head_start else None, ner)
    except DOCUMENT_FAILURES as exc:
        return store_failure(source, out_dir, exc)
    write.write_part(out_dir, source.doc_id, tables, {**_meta(source, status), "ner": ner})
    return Outcome(source.doc_id, source.name, status, pages, tables["paragraphs"].num_rows, ocr_pages=ocr_pages)


def extract_ahead(source: SourceFile, out_dir: Path, timeout: float) -> HeadStart | Outcome:
    """Extract one PDF only: its head start, or the Outcome of its failure, stored."""
    from . import extract

    started = time.monotonic()
    try:
        with time_limit(timeout), in_stage("extract"):
            return HeadStart(extract.extract_pdf(source.path, source.engine), time.monotonic() - started)
    except DOCUMENT_FAILURES as exc:
        return store_failure(source, out_dir, exc)


def store_failure(source: SourceFile, out_dir: Path, exc: BaseException) -> Outcome:
    """Store the part of a document that failed with ``exc`` (its errors row) and say so."""
    error = type(exc.cause).__name__ if isinstance(exc, StageError) else type(exc).__name__
    message = f"{source.name}: {exc.problem if isinstance(exc, PdfError) else exc}"
    return _store_failed(source, out_dir, getattr(exc, "stage", "run"), error, message)


def _store_failed(source: SourceFile, out_dir: Path, stage: str, error: str, message: str) -> Outcome:
    from . import write

    write.write_part(out_dir, source.doc_id, write.error_tables(_base(source), stage, error, message),
                     _meta(source, "failed"))
    return Outcome(source.doc_id, source.name, "failed", 0, 0, message)


def _meta(source: SourceFile, status: str) -> dict:
    return {"sha256": source.sha256, "version": results_version(source.engine), "status": status}


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- the batch ------------------------------------------------------------------------

def find_pdfs(raw_dir: Path) -> list[Path]:
    if not raw_dir.exists():
        raise UsageError(f"raw folder not found: {raw_dir}")
    if not raw_dir.is_dir():
        raise UsageError(f"raw folder is not a folder: {raw_dir}")
    pdfs = sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"
                  and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts))
    if not pdfs:
        raise UsageError(f"no PDF files in {raw_dir}")
    return pdfs


def scan(raw_dir: Path, engine: Engine = config.DEFAULT_ENGINE) -> dict[str, list[SourceFile]]:
    """The raw folder's PDFs grouped by content (doc_id), names sorted."""
    by_doc: dict[str, list[SourceFile]] = {}
    for path in find_pdfs(raw_dir):
        source = SourceFile(path, path.relative_to(raw_dir).as_posix(), file_sha256(path), engine)
        by_doc.setdefault(source.doc_id, []).append(source)
    return by_doc


@contextlib.contextmanager
def run_lock(out_dir: Path, wait: bool) -> Iterator[None]:
    """One run at a time per output folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_FILE, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockedError(f"another run is writing to {out_dir} (use --wait to wait for it)") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR, *, force: bool = False,
        workers: int = config.DEFAULT_WORKERS, timeout: float = config.DOC_TIMEOUT_SECONDS,
        wait: bool = False, report: bool = True, engine: Engine = config.DEFAULT_ENGINE,
        ner: NerMode = config.DEFAULT_NER,
        progress: Callable[[Outcome, int, int], None] | None = None) -> RunSummary:
    """Bring ``out_dir``'s tables up to date with the PDFs of ``raw_dir``."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if out_dir.resolve() == raw_dir.resolve() or raw_dir.resolve() in out_dir.resolve().parents:
        raise UsageError(f"the output folder {out_dir} must not be inside the raw folder {raw_dir}")
    started = time.monotonic()
    summary = RunSummary()
    with run_lock(out_dir, wait):
        store.clean_stale_parts(out_dir)
        by_doc = scan(raw_dir, engine)
        parts = store.list_parts(out_dir)
        version = results_version(engine)
        todo = [files[0] for doc_id, files in sorted(by_doc.items())
                if force or _is_stale(parts.get(doc_id), version, ner)]
        summary.skipped = len(by_doc) - len(todo)
        for doc_id in set(parts) - set(by_doc):
            store.remove_part(parts[doc_id])
            summary.removed += 1
        for i, outcome in enumerate(_process_all(todo, out_dir, workers, timeout, ner), start=1):
            summary.outcomes.append(outcome)
            summary.pages += outcome.pages
            summary.ocr_pages += outcome.ocr_pages
            if outcome.status == "failed":
                summary.failed += 1
            else:
                summary.processed += 1
                summary.no_text_layer += outcome.status == "no_text_layer"
            if progress:
                progress(outcome, i, len(todo))
        sources = {doc_id: [f.name for f in files] for doc_id, files in by_doc.items()}
        if todo or summary.removed or store.published_sources(out_dir) != sources or store.tables_missing(out_dir):
            _publish(out_dir, sources, report)
    summary.seconds = time.monotonic() - started
    return summary


def _is_stale(part: Path | None, version: str, ner: NerMode) -> bool:
    """No part, or one made by other code or data, or tagged in another --ner mode."""
    meta = (store.read_part_meta(part) or {}) if part is not None else {}
    return meta.get("version") != version or meta.get("ner", ner) != ner


def _process_all(todo: list[SourceFile], out_dir: Path, workers: int, timeout: float,
                 ner: NerMode) -> Iterator[Outcome]:
    if workers <= 1 or len(todo) <= 1:
        for source in todo:
            yield process_document(source, out_dir, timeout, ner=ner)
        return
    # the biggest files first, so that no worker is left with a long one at the end
    biggest_first = sorted(todo, key=lambda source: source.path.stat().st_size, reverse=True)
    if sys.platform == "win32":
        yield from _in_pool(multiprocessing.get_context("spawn"), biggest_first, [], out_dir, workers, timeout, ner)
        return
    # A head start: a process forked at once extracts documents, in order (no spaCy is
    # needed for that), while this one loads what tagging needs; the workers forked
    # after that start with it all, and finish what was extracted ahead.
    context = multiprocessing.get_context("fork")
    claimed = context.Value("i", 0)
    receiver, sender = context.Pipe(duplex=False)
    extractor = context.Process(target=_extract_in_order, args=(biggest_first, claimed, sender, out_dir, timeout),
                                daemon=True)
    extractor.start()
    sender.close()
    try:
        try:
            _load_for_workers(ner)
        finally:
            with claimed.get_lock():
                taken, claimed.value = claimed.value, -1
        yield from _in_pool(context, biggest_first[taken:], biggest_first[:taken], out_dir, workers, timeout, ner,
                            receiver)
    finally:
        receiver.close()  # unread head starts (an error above) end the extracting process
        extractor.join()


def _extract_in_order(sources: list[SourceFile], claimed, sender, out_dir: Path, timeout: float) -> None:
    """The head start's process: claim and extract documents in order until the claim
    is closed (-1), then send the head starts (or stored failures)."""
    _worker_init()
    results: list[HeadStart | Outcome] = []
    for i, source in enumerate(sources):
        with claimed.get_lock():
            if claimed.value < 0:
                break
            claimed.value = i + 1
        results.append(extract_ahead(source, out_dir, timeout))
    with contextlib.suppress(OSError):  # the run stopped before reading them
        sender.send(results)
    sender.close()


def _load_for_workers(ner: NerMode) -> None:
    """What every worker needs, loaded before they are forked so that each starts with
    it (and publishing the tables doesn't pay for it again): the stage modules, pandas
    (pyarrow imports it to build its first array from Python objects), the data files
    and the tag pipelines of the installed models."""
    import pandas  # noqa: F401

    from . import extract, segment, tag, write  # noqa: F401
    tag.read_data()
    for language in config.SPACY_MODELS:
        tag.build_nlp(language, ner)


def _in_pool(context, sources: list[SourceFile], extracted_ahead: list[SourceFile], out_dir: Path,
             workers: int, timeout: float, ner: NerMode, receiver=None) -> Iterator[Outcome]:
    """Process ``sources`` in a pool of workers, then ``extracted_ahead`` from the head
    starts that ``receiver`` brings (in full if they were lost)."""
    with ProcessPoolExecutor(max_workers=min(workers, len(sources) + len(extracted_ahead)), mp_context=context,
                             initializer=_worker_init) as pool:
        running = {pool.submit(process_document, source, out_dir, timeout, None, ner): source for source in sources}
        if extracted_ahead:
            try:
                results = receiver.recv()
            except (EOFError, OSError):  # the extracting process died: start over
                results = []
            for source, result in itertools.zip_longest(extracted_ahead, results):
                if isinstance(result, Outcome):
                    yield result
                else:
                    running[pool.submit(process_document, source, out_dir, timeout, result, ner)] = source
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                source = running.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # the worker died (out of memory, a crash in C code)
                    yield _store_failed(source, out_dir, "run", type(exc).__name__,
                                        f"{source.name}: worker failed ({type(exc).__name__}: {exc})")


def _publish(out_dir: Path, sources: dict[str, list[str]], report: bool) -> None:
    """Republish the tables from the parts, then the reference tables and the report."""
    from . import write

    store.forget_published(out_dir)
    parts = store.list_parts(out_dir)
    write.publish(out_dir, [parts[doc_id] for doc_id in sorted(sources)], sources)
    store.record_published(out_dir, sources)
    _write_reference_tables(out_dir)
    if report:
        _write_report(out_dir)


def _write_reference_tables(out_dir: Path) -> None:
    from . import tag, write
    write.write_reference_tables(out_dir, {"organizations": tag.organizations_table(),
                                           "unbis_topics": tag.unbis_topics_table()})


def _write_report(out_dir: Path) -> None:
    from .report import write_report
    try:
        write_report(out_dir)
    except Exception as exc:  # the report is a view: its failure must not fail the run
        print(f"warning: run report not written: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
