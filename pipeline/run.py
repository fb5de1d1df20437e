"""Batch runs: every PDF of a raw folder through extract, segment and tag into the
Parquet tables of an output folder, doing only the work that changed.

A document's results are stored as a part keyed by its content (doc_id) and the
pipeline's version; a run processes the PDFs without a current part, drops the parts
of PDFs that left the raw folder, and republishes the tables when anything changed.
With workers, each is a forked process that holds one document at a time, dies with
the run, and whose death costs that document alone (:class:`WorkerPool`).
"""
from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

from . import TYPE_CHECKING, config, store, versions
from .errors import (DamagedPart, DocumentTimeout, NoTextLayerError, PdfError, PipelineError, ResourceLimit,
                     StageError, UsageError, WorkerDied)

if TYPE_CHECKING:
    import multiprocessing.process
    from collections.abc import Callable, Iterator
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext
    from multiprocessing.sharedctypes import Synchronized
    from types import FrameType
    from typing import Any

    import pyarrow as pa

    from .types import Engine, ExtractedDocument, NerMode, Segmented, Status

HASH_CHUNK = 1 << 20


class Record:
    """A record of the run: its fields are its ``__slots__``, and it is compared and shown
    by them. Not a dataclass nor a named tuple: importing dataclasses (and inspect with
    it) was a fifth of a no-change rerun, typing and building the named tuples a tenth."""

    __slots__: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, f) == getattr(other, f) for f in self.__slots__)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self.__slots__)})"


class SourceFile(Record):
    """A PDF of the raw folder: its path, its name relative to the raw folder (surrogate
    escapes where it is not UTF-8), its content's SHA-256, and what reads and tags it
    (part of what its stored results depend on)."""

    __slots__ = ("engine", "name", "ner", "path", "sha256")

    def __init__(self, path: Path, name: str, sha256: str, engine: Engine = config.DEFAULT_ENGINE,
                 ner: NerMode = config.DEFAULT_NER) -> None:
        self.path, self.name, self.sha256, self.engine, self.ner = path, name, sha256, engine, ner

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]

    @property
    def label(self) -> str:
        """The name as text for tables and messages."""
        return store.readable(self.name)


class Outcome(Record):
    """What processing one document gave: its status (ok, no_text_layer or failed), pages,
    paragraphs, a message for a failure, and the pages read by OCR."""

    __slots__ = ("doc_id", "message", "ocr_pages", "pages", "paragraphs", "source_file", "status")

    def __init__(self, doc_id: str, source_file: str, status: str, pages: int, paragraphs: int,
                 message: str | None = None, ocr_pages: int = 0) -> None:
        self.doc_id, self.source_file, self.status, self.pages = doc_id, source_file, status, pages
        self.paragraphs, self.message, self.ocr_pages = paragraphs, message, ocr_pages


class RunSummary:
    """What a run did: its counts, its time and each processed document's outcome."""

    def __init__(self) -> None:
        self.processed = self.skipped = self.failed = self.no_text_layer = self.removed = 0
        self.pages = self.ocr_pages = 0
        self.seconds = 0.0
        self.outcomes: list[Outcome] = []

    def add(self, outcome: Outcome) -> None:
        """Count a processed document's outcome."""
        self.outcomes.append(outcome)
        self.pages += outcome.pages
        self.ocr_pages += outcome.ocr_pages
        if outcome.status == "failed":
            self.failed += 1
        else:
            self.processed += 1
            self.no_text_layer += outcome.status == "no_text_layer"

    def line(self) -> str:
        return (f"processed {self.processed}, skipped {self.skipped} unchanged, failed {self.failed}"
                f" ({self.no_text_layer} without text layer, {self.removed} removed, {self.pages} pages,"
                f" {self.ocr_pages} read by OCR)"
                f" in {self.seconds:.1f}s")


# --- the version that results depend on ------------------------------------------------

# Files of the package that do not make rows: scheduling, the folder, the views, tools
# (and what is built from them: bytecode, the C extensions, whose sources count).
# Every other module and data file is part of the results version.
NOT_RESULTS = ("__main__.py", "cli.py", "docs.py", "loading.py", "report.py", "run.py", "store.py", "versions.py",
               "templates")
# the libraries whose upgrade may change the rows (the spaCy models are added to these)
RESULT_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "pypdf", "spacy")


# the results version, kept in config.CACHE_DIR by what it was computed from
VERSION_CACHE = "results-version.json"


def result_files() -> dict[str, Path]:
    """The package's files that the rows depend on, by their path in it (POSIX), sorted."""
    root = config.PACKAGE_DIR
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        where = Path(folder).relative_to(root).parts
        found += [(*where, name) for name in names if not name.endswith((".pyc", ".so"))]
    files = {}
    for parts in sorted(found):
        if parts[0] not in NOT_RESULTS and os.path.isfile(path := root.joinpath(*parts)):
            files["/".join(parts)] = path
    return files


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries and spaCy models that make the rows."""
    names = list(RESULT_LIBRARIES)
    for model in config.SPACY_MODELS.values():
        names.extend((model, *config.SPACY_MODEL_ALIASES.get(model, ())))
    return {name: found for name in names if (found := versions.version(name)) is not None}


@lru_cache(maxsize=1)
def results_version() -> str:
    """The pipeline's version with a digest of every file that makes the rows and of the
    versions of the libraries and models: results made under another version are stale.
    It is kept (VERSION_CACHE) with the files' stat signatures and the versions, and
    computed again only when one of them changed: a no-change rerun read the package
    through."""
    files = result_files()
    key = {"pipeline": config.PIPELINE_VERSION, "libraries": library_versions(),
           "files": {name: stat_signature(path) for name, path in files.items()}}
    kept_in = config.CACHE_DIR / VERSION_CACHE
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(kept_in.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("version"), str):
            return str(kept["version"])
    import hashlib  # here: a no-change rerun never needs it

    h = hashlib.sha256()
    for name, path in files.items():  # read after their stat: a change meanwhile shows next time
        h.update(name.encode())
        h.update(path.read_bytes())
    code = h.hexdigest()[:8]
    libraries = hashlib.sha256(json.dumps(key["libraries"], sort_keys=True).encode()).hexdigest()[:8]
    version = f"{config.PIPELINE_VERSION}+code.{code}.libs.{libraries}"
    with contextlib.suppress(OSError):  # an unwritable cache folder: computed every run
        kept_in.parent.mkdir(parents=True, exist_ok=True)
        store.atomic_write(kept_in, json.dumps({"key": key, "version": version}))
    return version


def stat_signature(path: Path) -> list[int]:
    """What changes when a file is written, as git's index keeps it: device, inode, size,
    modification and change times (a change time no one can set back)."""
    info = os.stat(path)
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


# --- one document ---------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SourceHashes:
    """The raw files' SHA-256 by their stat signature, kept in the output folder from one
    run to the next: as git's index does, a rerun reads again only the files whose
    signature changed (an archive's no-change rerun read every PDF through). A file
    rewritten with its old size and modification time still has a new change time."""

    def __init__(self, known: dict[str, Any]) -> None:
        self.known = known
        self.seen: dict[str, Any] = {}

    def sha256(self, path: Path) -> str:
        signature = stat_signature(path)
        key = os.path.abspath(path)
        entry = self.known.get(key)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == signature and isinstance(entry[1], str):
            digest: str = entry[1]
        else:
            digest = file_sha256(path)  # stat first: a change while it is read shows next time
        self.seen[key] = [signature, digest]
        return digest

    @property
    def changed(self) -> bool:
        """Whether what to keep differs from what was kept (files new, changed or gone)."""
        return self.seen != self.known


@contextlib.contextmanager
def in_stage(stage: str) -> Iterator[None]:
    """Name the stage of an error raised inside; an unexpected one (a bug, a malformed
    PDF) becomes a StageError, recorded while the run goes on."""
    try:
        yield
    except PipelineError as exc:
        exc.stage = exc.stage or stage
        raise
    except Exception as exc:
        raise StageError(stage, exc) from exc


class Prepared(Record):
    """A document extracted and segmented (``segmented`` None: no text layer): what tagging
    and writing need of it. Its lines are dropped once segmented: a head start crosses two
    pipes, and a long document's lines took a tenth of a second each way."""

    __slots__ = ("document", "segmented")

    def __init__(self, document: ExtractedDocument, segmented: Segmented | None) -> None:
        self.document, self.segmented = document, segmented


def prepare(source: SourceFile) -> Prepared:
    """Extract and segment one PDF (the stages that need no spaCy), or raise."""
    import dataclasses

    from . import extract, segment

    with in_stage("extract"):
        doc = extract.extract_pdf(source.path, source.engine)
    if not doc.has_text_layer:
        return Prepared(doc, None)
    with in_stage("segment"):
        seg = segment.segment(doc)
        longest = max((len(p.text) for p in seg.paragraphs), default=0)
        if longest > config.MAX_PARAGRAPH_CHARS:
            raise ResourceLimit(f"a paragraph of {longest:,} characters (over {config.MAX_PARAGRAPH_CHARS:,})")
    return Prepared(dataclasses.replace(doc, lines=[], rules=[]), seg)


def build_document(source: SourceFile, prepared: Prepared | None = None
                   ) -> tuple[dict[str, pa.Table], int, Status, int]:
    """Extract and segment (unless ``prepared`` is given), then tag one PDF. Returns its
    tables, page count, status and pages read by OCR, or raises."""
    from . import tag, write

    prepared = prepared if prepared is not None else prepare(source)
    doc, seg = prepared.document, prepared.segmented
    base = _base(source)
    if seg is None:
        message = f"{source.label}: no text layer (a scan?): {doc.page_count} pages, no text"
        if doc.ocr_problem:
            message += f"; {doc.ocr_problem}"
        tables = write.error_tables(base, "extract", NoTextLayerError.__name__, message,
                                    status="no_text_layer", page_count=doc.page_count)
        return tables, doc.page_count, "no_text_layer", 0
    with in_stage("tag"):
        tags = tag.tag_document(seg.paragraphs, doc.masthead.language, source.ner)
    warnings = [write.problem_row(base, "extract", "EngineFallback",
                                  f"{source.label}: {doc.fallback}; read with pdfplumber")] if doc.fallback else []
    if doc.unmapped_glyphs:
        warnings.append(write.problem_row(base, "extract", "UnmappedGlyphs",
                                          f"{source.label}: {doc.unmapped_glyphs} glyphs without Unicode (no kashida)"
                                          " read as nothing"))
    document = write.document_row(base, doc, seg)
    return write.document_tables(document, seg, tags, warnings), doc.page_count, "ok", doc.ocr_pages


def _base(source: SourceFile) -> dict[str, Any]:
    from . import write

    return write.document_base(source.doc_id, source.label, source.sha256, results_version())


class _Expired(BaseException):
    """Raised by the alarm: a BaseException, so that no library's ``except Exception``
    swallows it on its way out."""


TIMER_REPEAT = 0.25  # s: the alarm fires again until the document gives up


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this (main) thread after ``seconds``."""
    import signal  # here, as for the others below: a no-change rerun never needs it

    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
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
    import signal

    remaining, _ = signal.getitimer(signal.ITIMER_REAL) if hasattr(signal, "SIGALRM") else (0.0, 0.0)
    if remaining > 0:
        signal.setitimer(signal.ITIMER_REAL, remaining + seconds, TIMER_REPEAT)


class HeadStart(Record):
    """A document extracted and segmented ahead of the rest of its processing, and the
    time it took."""

    __slots__ = ("prepared", "seconds")

    def __init__(self, prepared: Prepared, seconds: float) -> None:
        self.prepared, self.seconds = prepared, seconds


DOCUMENT_FAILURES = (PipelineError, MemoryError, RecursionError)


def process_document(source: SourceFile, out_dir: Path, timeout: float, head_start: HeadStart | None = None) -> Outcome:
    """Process one PDF (from its extraction, if done ahead) and store its part; failures
    become a part with status failed."""
    from . import write

    limit = timeout if head_start is None or timeout <= 0 else max(timeout - head_start.seconds, 1e-3)
    try:
        with time_limit(limit):
            tables, pages, status, ocr_pages = build_document(source, head_start.prepared if head_start else None)
    except DOCUMENT_FAILURES as exc:
        return store_failure(source, out_dir, exc)
    write.write_part(out_dir, source.doc_id, tables, _meta(source, status))
    return Outcome(source.doc_id, source.label, status, pages, tables["paragraphs"].num_rows, ocr_pages=ocr_pages)


def extract_ahead(source: SourceFile, out_dir: Path, timeout: float) -> HeadStart | Outcome:
    """Extract and segment one PDF only: its head start, or the Outcome of its failure,
    stored."""
    started = time.monotonic()
    try:
        with time_limit(timeout):
            return HeadStart(prepare(source), time.monotonic() - started)
    except DOCUMENT_FAILURES as exc:
        return store_failure(source, out_dir, exc)


def store_failure(source: SourceFile, out_dir: Path, exc: BaseException) -> Outcome:
    """Store the part of a document that failed with ``exc`` (its errors row) and say so."""
    error = type(exc.cause).__name__ if isinstance(exc, StageError) else type(exc).__name__
    message = f"{source.label}: {exc.problem if isinstance(exc, PdfError) else exc}"
    return _store_failed(source, out_dir, getattr(exc, "stage", None) or "run", error, message)


def _store_failed(source: SourceFile, out_dir: Path, stage: str, error: str, message: str) -> Outcome:
    from . import write

    write.write_part(out_dir, source.doc_id, write.error_tables(_base(source), stage, error, message),
                     _meta(source, "failed"))
    return Outcome(source.doc_id, source.label, "failed", 0, 0, message)


def _meta(source: SourceFile, status: str) -> dict[str, Any]:
    return {"sha256": source.sha256, "version": results_version(), "status": status, "engine": source.engine,
            "ner": source.ner}


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt(3)


@lru_cache(maxsize=1)
def tune_allocator() -> bool:
    """Set glibc's malloc thresholds for processing documents (config.MALLOC_*), in this
    process and the workers it forks; False where the C library has no mallopt."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, config.MALLOC_MMAP_THRESHOLD)
                and mallopt(M_TRIM_THRESHOLD, config.MALLOC_TRIM_THRESHOLD))


def _worker_init(parent: int) -> None:
    """A forked worker: dies with the run (no orphan keeps working, or waiting, after a
    kill -9 of its parent), leaves Ctrl-C to the parent, and has a memory limit."""
    import ctypes
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    if config.WORKER_MEMORY_MB > 0:
        limit = _address_space() + (config.WORKER_MEMORY_MB << 20)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _address_space() -> int:
    """Bytes of address space this process has now (what it was forked with)."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


# --- the raw folder -------------------------------------------------------------------

class Scan(Record):
    """The raw folder's PDFs grouped by content (doc_id), names sorted, and the errors
    rows of the files that could not be read (unreadable, vanished, links leading out)."""

    __slots__ = ("by_doc", "problems")

    def __init__(self, by_doc: dict[str, list[SourceFile]], problems: list[dict[str, Any]]) -> None:
        self.by_doc, self.problems = by_doc, problems


def scan(raw_dir: Path, follow_symlinks: bool = False, engine: Engine = config.DEFAULT_ENGINE,
         ner: NerMode = config.DEFAULT_NER, hashes: SourceHashes | None = None) -> Scan:
    """Find and hash the PDFs of ``raw_dir`` (hidden files and folders left out), each
    read through unless ``hashes`` knows it unchanged."""
    digest = hashes.sha256 if hashes is not None else file_sha256
    if not raw_dir.exists():
        raise UsageError(f"raw folder not found: {raw_dir}")
    if not raw_dir.is_dir():
        raise UsageError(f"raw folder is not a folder: {raw_dir}")
    by_doc: dict[str, list[SourceFile]] = {}
    problems: list[dict[str, Any]] = []
    found = 0

    def problem(name: str, error: str, message: str) -> None:
        problems.append({"source_file": store.readable(name), "sha256": None, "stage": "scan", "error": error,
                         "message": store.readable(f"{name}: {message}"), "at": None})

    for path in _pdf_paths(raw_dir, follow_symlinks, problem):
        found += 1
        name = path.relative_to(raw_dir).as_posix()
        if not follow_symlinks and _leads_out(path, raw_dir, problem):
            continue
        try:
            source = SourceFile(path, name, digest(path), engine, ner)
        except FileNotFoundError:
            problem(name, "FileNotFoundError", "vanished while the run read the folder (or a broken link)")
            continue
        except OSError as exc:
            problem(name, type(exc).__name__, f"cannot be read ({exc.strerror or exc})")
            continue
        by_doc.setdefault(source.doc_id, []).append(source)
    if not found:
        raise UsageError(f"no PDF files in {raw_dir}")
    return Scan(by_doc, problems)


def _pdf_paths(raw_dir: Path, follow_symlinks: bool, problem: Callable[[str, str, str], None]) -> Iterator[Path]:
    """The ``*.pdf`` files under ``raw_dir``, sorted, each folder once (links may loop)."""
    seen: set[tuple[int, int]] = set()

    def failed_folder(exc: OSError) -> None:
        problem(Path(exc.filename).relative_to(raw_dir).as_posix() if exc.filename else "?", type(exc).__name__,
                f"folder cannot be read ({exc.strerror or exc})")

    for folder, dirs, files in os.walk(raw_dir, followlinks=follow_symlinks, onerror=failed_folder):
        with contextlib.suppress(OSError):
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if not follow_symlinks:
            for name in dirs:
                _leads_out(Path(folder) / name, raw_dir, problem)
        for name in sorted(files):
            if name.lower().endswith(".pdf") and not name.startswith("."):
                yield Path(folder) / name


def _leads_out(path: Path, raw_dir: Path, problem: Callable[[str, str, str], None]) -> bool:
    """Whether ``path`` is a symbolic link leading outside ``raw_dir`` (then an errors row)."""
    if not path.is_symlink():
        return False
    root, target = raw_dir.resolve(), path.resolve()
    if target == root or root in target.parents:
        return False
    problem(path.relative_to(raw_dir).as_posix(), "SymlinkOutside",
            f"a symbolic link to {target}, outside the raw folder: not followed (--follow-symlinks follows it)")
    return True


# --- the batch ------------------------------------------------------------------------

def run(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.PROCESSED_DIR, *, force: bool = False,
        workers: int = config.DEFAULT_WORKERS, timeout: float = config.DOC_TIMEOUT_SECONDS,
        wait: bool = False, report: bool = True, follow_symlinks: bool = False,
        engine: Engine = config.DEFAULT_ENGINE, ner: NerMode = config.DEFAULT_NER,
        progress: Callable[[Outcome, int, int], None] | None = None) -> RunSummary:
    """Bring ``out_dir``'s tables up to date with the PDFs of ``raw_dir``."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if out_dir.resolve() == raw_dir.resolve() or raw_dir.resolve() in out_dir.resolve().parents:
        raise UsageError(f"the output folder {out_dir} must not be inside the raw folder {raw_dir}")
    started = time.monotonic()
    summary = RunSummary()
    with store.run_lock(out_dir, wait):
        hashes = SourceHashes(store.read_source_hashes(out_dir))
        found = scan(raw_dir, follow_symlinks, engine, ner, hashes)
        if hashes.changed:
            store.write_source_hashes(out_dir, hashes.seen)
        by_doc = found.by_doc
        parts = store.list_parts(out_dir)
        version = results_version()
        todo = [files[0] for doc_id, files in sorted(by_doc.items())
                if force or _is_stale(parts.get(doc_id), version, files[0])]
        summary.skipped = len(by_doc) - len(todo)
        for doc_id in set(parts) - set(by_doc):
            store.remove_part(parts[doc_id])
            summary.removed += 1
        for i, outcome in enumerate(_process_all(todo, out_dir, workers, timeout), start=1):
            summary.add(outcome)
            if progress:
                progress(outcome, i, len(todo))
        summary.failed += len(found.problems)
        sources = {doc_id: [f.name for f in files] for doc_id, files in by_doc.items()}
        record = {"sources": sources, "problems": [_lasting(p) for p in found.problems]}
        before = store.published(out_dir) or {}
        if (todo or summary.removed or store.tables_missing(out_dir)
                or {k: before.get(k) for k in record} != json.loads(json.dumps(record))):
            _publish_mending(out_dir, record, found.problems, report, by_doc, summary, timeout)
    summary.seconds = time.monotonic() - started
    return summary


def _publish_mending(out_dir: Path, record: dict[str, Any], problems: list[dict[str, Any]], report: bool,
                     by_doc: dict[str, list[SourceFile]], summary: RunSummary, timeout: float) -> None:
    """Publish; a part found damaged on the way (a disk error, a hand that edited it) is
    removed and its document processed again, once, before publishing starts over."""
    mended: set[str] = set()
    while True:
        try:
            _publish(out_dir, record, problems, report)
            return
        except DamagedPart as exc:
            doc_id = Path(exc.part).name
            if doc_id in mended or doc_id not in by_doc:
                raise
            mended.add(doc_id)
            print(f"warning: {exc}; processing {by_doc[doc_id][0].label} again", file=sys.stderr)
            store.remove_part(Path(exc.part))
            outcome = process_document(by_doc[doc_id][0], out_dir, timeout)
            if all(done.doc_id != doc_id for done in summary.outcomes):  # else counted once already
                summary.skipped -= 1
                summary.add(outcome)


def _lasting(problem: dict[str, Any]) -> dict[str, Any]:
    """What of a scan's errors row says whether the tables must be published again."""
    return {k: v for k, v in problem.items() if k != "at"}


def _is_stale(part: Path | None, version: str, source: SourceFile) -> bool:
    """No part, one of another version, engine or --ner mode, or a failure (tried again
    by every run)."""
    meta = (store.read_part_meta(part) or {}) if part is not None else {}
    return (meta.get("version") != version or meta.get("status") == "failed"
            or meta.get("engine") != source.engine or meta.get("ner") != source.ner)


def _process_all(todo: list[SourceFile], out_dir: Path, workers: int, timeout: float) -> Iterator[Outcome]:
    if todo:
        tune_allocator()
    if workers <= 1 or len(todo) <= 1:
        for source in todo:
            yield process_document(source, out_dir, timeout)
        return
    # the biggest files first, so that no worker is left with a long one at the end
    biggest_first = sorted(todo, key=lambda source: source.path.stat().st_size, reverse=True)
    # A head start: a process forked at once extracts and segments documents, in order (no spaCy is
    # needed for that), while this one loads what tagging needs; the workers forked
    # after that start with it all, and finish what was extracted ahead.
    import multiprocessing  # here: a no-change rerun never needs it (a fifth of its imports)

    context = multiprocessing.get_context("fork")
    claimed = context.Value("i", 0)
    receiver, sender = context.Pipe(duplex=False)
    languages_met, language_sender = context.Pipe(duplex=False)
    extractor = context.Process(target=_extract_in_order, daemon=True,
                                args=(biggest_first, claimed, sender, language_sender, out_dir, timeout, os.getpid()))
    extractor.start()
    sender.close()
    language_sender.close()
    try:
        try:
            _load_for_workers(todo[0].engine, todo[0].ner, languages_met)
        finally:
            with claimed.get_lock():
                taken, claimed.value = claimed.value, -1
        # What the workers inherit is kept out of their garbage collector's sight: its
        # passes over the models' millions of objects wrote to every page they share
        # with this process, copying each one (workers a third slower, and bigger). It
        # stays frozen here too, as the pipelines are (tag.load): thawed, this
        # process's last collection at exit went over it all again (0.3 s)
        gc.freeze()
        pool = WorkerPool(context, min(workers, len(todo)), out_dir, timeout)
        yield from pool.run(biggest_first[taken:], biggest_first[:taken], receiver)
    finally:
        receiver.close()  # unread head starts (an error above) end the extracting process
        languages_met.close()
        extractor.join()


def _extract_in_order(sources: list[SourceFile], claimed: Synchronized[int], sender: Connection,
                      language_sender: Connection, out_dir: Path, timeout: float, parent: int) -> None:
    """The head start's process: claim, extract and segment documents in order until the claim
    is closed (-1), then send the head starts (or stored failures). Each language met
    the first time is sent at once on ``language_sender`` (a few bytes: it never blocks)."""
    _worker_init(parent)
    results: list[HeadStart | Outcome] = []
    met: set[str | None] = set()
    for i, source in enumerate(sources):
        with claimed.get_lock():
            if claimed.value < 0:
                break
            claimed.value = i + 1
        results.append(result := extract_ahead(source, out_dir, timeout))
        if isinstance(result, HeadStart) and (language := result.prepared.document.masthead.language) not in met:
            met.add(language)
            with contextlib.suppress(OSError):
                language_sender.send(language)
    language_sender.close()
    with contextlib.suppress(OSError):  # the run stopped before reading them
        sender.send(results)
    sender.close()


def _load_for_workers(engine: Engine, ner: NerMode, languages_met: Connection) -> None:
    """What every worker needs, loaded before they are forked so that each starts with
    it (and publishing the tables doesn't pay for it again): the stage modules, pandas
    (pyarrow imports it to build its first array from Python objects), the data files
    and the tag pipelines of the installed models and of the languages the head start
    has met so far (a blank one costs each worker up to half a second on its first
    document). pyarrow's allocator is used once here: its first allocation reserves 1 GB
    of address space, which the workers' memory limit then counts as theirs from the start."""
    import pandas  # noqa: F401
    import pyarrow

    pyarrow.array([0])

    from . import extract, segment, tag, write  # noqa: F401
    extract.load(engine)
    tag.read_data(ner)
    for language in config.SPACY_MODELS:
        tag.load(language, ner)
    with contextlib.suppress(EOFError, OSError):  # the head start is over, or died
        while languages_met.poll():
            language = languages_met.recv()
            try:
                tag.load(language, ner)
            except Exception:  # left to the worker: then its document fails, not the run
                pass


Job = tuple[SourceFile, "HeadStart | None"]


class _Worker:
    """A forked worker, the parent's end of its pipe, and the job it holds (None: idle)."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.job: Job | None = None


class WorkerPool:
    """Forked workers, one document each at a time, so that the death of one (the
    out-of-memory killer, a crash in C code) is known to cost that document alone: it is
    tried again in a fresh worker, and recorded failed when it killed WORKER_ATTEMPTS."""

    def __init__(self, context: ForkContext, size: int, out_dir: Path, timeout: float) -> None:
        self.context, self.size, self.out_dir, self.timeout = context, size, out_dir, timeout
        self.workers: list[_Worker] = []
        self.deaths: dict[str, int] = {}

    def run(self, sources: list[SourceFile], extracted_ahead: list[SourceFile], receiver: Connection | None = None
            ) -> Iterator[Outcome]:
        """Process ``sources``, then ``extracted_ahead`` from the head starts that
        ``receiver`` brings (in full if they were lost)."""
        from multiprocessing.connection import wait

        queue: collections.deque[Job] = collections.deque((source, None) for source in sources)
        waiting = receiver if extracted_ahead else None
        try:
            while queue or waiting is not None or any(w.job for w in self.workers):
                while queue and (idle := self._idle()) is not None:
                    idle.job = queue.popleft()
                    idle.conn.send((idle.job[0], self.out_dir, self.timeout, idle.job[1]))
                busy = [w for w in self.workers if w.job]
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy]
                                        + ([waiting] if waiting is not None else []))
                if waiting is not None and waiting in ready:
                    try:
                        results = waiting.recv()
                    except (EOFError, OSError):  # the extracting process died: start over
                        results = []
                    waiting = None
                    ahead: list[Job] = []
                    for source, result in itertools.zip_longest(extracted_ahead, results):
                        if isinstance(result, Outcome):
                            yield result
                        else:
                            ahead.append((source, result))
                    # the head starts are the biggest documents: next, not last, so that no
                    # worker is left finishing one while the other has nothing to do
                    queue.extendleft(reversed(ahead))
                for worker in busy:
                    if worker.conn in ready or worker.process.sentinel in ready:
                        yield from self._collect(worker, queue)
        finally:
            self._stop()

    def _idle(self) -> _Worker | None:
        for worker in self.workers:
            if worker.job is None:
                return worker
        if len(self.workers) < self.size:
            parent_end, child_end = self.context.Pipe()
            process = self.context.Process(target=_worker_main, args=(child_end, os.getpid()), daemon=True)
            process.start()
            child_end.close()
            self.workers.append(_Worker(process, parent_end))
            return self.workers[-1]
        return None

    def _collect(self, worker: _Worker, queue: collections.deque[Job]) -> Iterator[Outcome]:
        job, worker.job = worker.job, None
        assert job is not None, "only a busy worker is collected"
        try:
            if worker.conn.poll():
                yield worker.conn.recv()
                return
        except (EOFError, OSError):
            pass
        # no answer: the worker died with the document
        worker.process.join()
        self.workers.remove(worker)
        worker.conn.close()
        source = job[0]
        self.deaths[source.doc_id] = self.deaths.get(source.doc_id, 0) + 1
        if self.deaths[source.doc_id] < config.WORKER_ATTEMPTS:
            queue.appendleft((source, None))  # once more, in a fresh worker, from the start
            return
        import signal

        code = worker.process.exitcode or 0
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        message = f"{source.label}: the worker processing it died {self.deaths[source.doc_id]} times ({how}; out of memory?)"
        yield _store_failed(source, self.out_dir, "run", WorkerDied.__name__, message)

    def _stop(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=5 if worker.job is None else 0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []


def _worker_main(conn: Connection, parent: int) -> None:
    """A worker: process the documents sent until told to stop (None) or the run is gone."""
    _worker_init(parent)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        source, out_dir, timeout, head_start = job
        conn.send(process_document(source, out_dir, timeout, head_start))


def _publish(out_dir: Path, record: dict[str, Any], problems: list[dict[str, Any]], report: bool) -> None:
    """Publish the tables from the parts, with the reference tables, as one new set; then
    the report."""
    from . import tag, write

    parts = store.list_parts(out_dir)
    sources = record["sources"]
    reference = {"organizations": tag.organizations_table(), "unbis_topics": tag.unbis_topics_table()}
    at = write.utc_now()

    def write_tables(folder: Path, generation: str) -> dict[str, int]:
        return write.publish(folder, generation, [parts[doc_id] for doc_id in sorted(sources)], sources, reference,
                             [{**p, "at": at} for p in problems])

    store.publish(out_dir, write_tables, record)
    if report:
        _write_report(out_dir)


def _write_report(out_dir: Path) -> None:
    from .report import write_report
    try:
        write_report(out_dir)
    except Exception as exc:  # the report is a view: its failure must not fail the run
        import traceback

        print(f"warning: run report not written: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
