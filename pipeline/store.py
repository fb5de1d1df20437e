"""The output folder, its one owner: the lock, the per-document parts, the published
generations and the atomic writes. No Arrow here: a no-change run only reads this.

Layout of ``<out>``:

- ``<table>.parquet``: symbolic links to ``current/<table>.parquet``, so that
  ``pd.read_parquet("processed/paragraphs.parquet")`` and DuckDB's
  ``FROM 'processed/paragraphs.parquet'`` read the published tables;
- ``current``: a symbolic link to ``.generations/<n>/``, the published set of tables and
  its ``manifest.json`` (row counts, sources); a run publishes a new generation by
  replacing this one link, so a reader that resolves it once sees one whole set;
- ``.parts/<doc_id>/``: one document's rows and ``meta.json`` (content hash, results
  version, status);
- ``.lock``: held (``lockf``) by the process of the run, with its pid.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import threading
from pathlib import Path

from . import TYPE_CHECKING
from .errors import LockedError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

# shutil and tempfile are imported where a folder or a file is written or removed: a
# no-change rerun needs neither (a tenth of its time)

PARTS_DIR = ".parts"
PART_META = "meta.json"
SOURCE_HASHES = ".source-hashes.json"  # the raw files' SHA-256 by their stat (run.SourceHashes)
GENERATIONS_DIR = ".generations"
CURRENT = "current"
MANIFEST = "manifest.json"
LOCK_FILE = ".lock"
TEMP_PREFIX = ".tmp-"
GENERATION_KEY = b"unsc_pipeline.generation"  # Parquet metadata: the set a table belongs to
GENERATIONS_KEPT = 2  # the current one and the one before, for readers that resolved it
# every table of the folder (pipeline.schemas.TABLES declares them; a test keeps both equal)
TABLE_NAMES = ("documents", "paragraphs", "entities", "topics", "speeches", "participants", "errors",
               "organizations", "unbis_topics")


# --- atomic writes --------------------------------------------------------------------

def file_mode() -> int:
    """The mode of every file written here (tables, parts, report): 0666 less the umask,
    what ``open()`` would give; ``mkstemp`` alone gives 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[str]:
    """A temporary file beside ``path``, to write; when the block ends well it is synced
    and renamed over ``path`` at once, otherwise removed."""
    path = Path(path)
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old or the new file, whole."""
    with replacing(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def _replace_link(link: Path, target: str) -> None:
    """Point the symbolic link ``link`` at ``target`` in one rename (a file there is replaced)."""
    tmp = link.with_name(f"{TEMP_PREFIX}{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


# --- file names -----------------------------------------------------------------------

def readable(name: str) -> str:
    """A file name as text for the tables: bytes that are not UTF-8 (surrogate escapes
    in ``name``) written as ``\\xff``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def name_hex(name: str) -> str | None:
    """The exact bytes of a name that is not UTF-8, as hex (None for a UTF-8 name)."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.hex()
    return None


# --- the lock -------------------------------------------------------------------------

_held: set[tuple[int, int]] = set()  # (device, inode) of the locks this process holds
_held_changed = threading.Condition()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def run_lock(out_dir: Path, wait: bool) -> Iterator[None]:
    """One run at a time per output folder. The lock is a POSIX record lock: held by this
    process only (forked workers do not inherit it) and released by the kernel when the
    process dies. A lock file still naming a dead run is taken over with one warning."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fh = open(out_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held open while the lock is, closed on release
    key = (os.fstat(fh.fileno()).st_dev, os.fstat(fh.fileno()).st_ino)
    try:
        with _held_changed:  # record locks do not exclude threads of one process: this does
            while key in _held:
                if not wait:
                    raise LockedError(f"another run is writing to {out_dir} (use --wait to wait for it)")
                _held_changed.wait()
            _held.add(key)
        try:
            try:
                fcntl.lockf(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                fh.seek(0)
                holder = fh.read().strip()
                raise LockedError(f"another run{f' (pid {holder})' if holder.isdigit() else ''} is writing to "
                                  f"{out_dir} (use --wait to wait for it)") from None
            fh.seek(0)
            previous = fh.read().strip()
            if previous.isdigit() and int(previous) != os.getpid() and not _pid_alive(int(previous)):
                print(f"warning: the run {previous} on {out_dir} died; its lock is taken over", file=sys.stderr)
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            clean_temporary(out_dir)
            try:
                yield
            finally:
                fh.seek(0)
                fh.truncate()
                fh.flush()
                fcntl.lockf(fh, fcntl.LOCK_UN)
        finally:
            with _held_changed:
                _held.discard(key)
                _held_changed.notify_all()
    finally:
        fh.close()


def clean_temporary(out_dir: Path) -> None:
    """Remove what a killed run left half-written: part folders, generations, files."""
    for folder in (out_dir, out_dir / PARTS_DIR, out_dir / GENERATIONS_DIR):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.name.startswith(TEMP_PREFIX) or (folder != out_dir and p.name.startswith(".")):
                if p.is_dir() and not p.is_symlink():
                    import shutil

                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)


# --- parts ----------------------------------------------------------------------------

def read_part_meta(part: Path) -> dict[str, Any] | None:
    try:
        meta: dict[str, Any] = json.loads((part / PART_META).read_text(encoding="utf-8"))
        return meta
    except (OSError, ValueError):
        return None


def read_source_hashes(out_dir: Path) -> dict[str, Any]:
    """What the last run kept of the raw files' hashes (empty if none, or unreadable)."""
    try:
        found = json.loads((out_dir / SOURCE_HASHES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_source_hashes(out_dir: Path, hashes: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / SOURCE_HASHES, json.dumps(hashes, sort_keys=True))


def list_parts(out_dir: Path) -> dict[str, Path]:
    """Complete parts by doc_id (half-written temporary folders are ignored)."""
    parts = out_dir / PARTS_DIR
    if not parts.is_dir():
        return {}
    return {p.name: p for p in sorted(parts.iterdir()) if p.is_dir() and not p.name.startswith(".")
            and (p / PART_META).exists()}


def write_part(out_dir: Path, doc_id: str, write_tables: Callable[[Path], None], meta: dict[str, Any]) -> Path:
    """Store one document's part, all at once: ``write_tables`` fills a temporary folder
    that then replaces the part, so a reader (or a run killed half-way) sees the whole
    part or none of it."""
    import shutil
    import tempfile

    parts = out_dir / PARTS_DIR
    parts.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parts, prefix=f".{doc_id}."))
    write_tables(tmp)
    (tmp / PART_META).write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    _set_modes(tmp)
    final = parts / doc_id
    old = parts / f".{doc_id}.old"
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def remove_part(part: Path) -> None:
    import shutil

    shutil.rmtree(part, ignore_errors=True)


def _set_modes(folder: Path) -> None:
    mode = file_mode()
    os.chmod(folder, mode | ((mode & 0o444) >> 2))  # a folder is searchable where readable
    for p in folder.iterdir():
        os.chmod(p, mode)


# --- published generations ------------------------------------------------------------

def current_generation(out_dir: Path) -> Path | None:
    """The folder of the published set, resolved once (None before the first run)."""
    link = Path(out_dir) / CURRENT
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def read_manifest(generation: Path | None) -> dict[str, Any] | None:
    if generation is None:
        return None
    try:
        manifest: dict[str, Any] = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError):
        return None


def published(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of the published set: generation, rows per table, sources, problems."""
    return read_manifest(current_generation(out_dir))


def tables_missing(out_dir: Path) -> bool:
    generation = current_generation(out_dir)
    return generation is None or any(
        not (out_dir / f"{name}.parquet").exists() or not (generation / f"{name}.parquet").exists()
        for name in TABLE_NAMES)


def publish(out_dir: Path, write_tables: Callable[[Path, str], dict[str, int]], record: dict[str, Any]) -> Path:
    """Publish a new set of tables: ``write_tables(folder, generation)`` writes every table
    into a new generation folder and returns their row counts; the manifest (with
    ``record``) is written beside them, and ``current`` is swapped to it in one rename."""
    import shutil
    import tempfile

    generations = out_dir / GENERATIONS_DIR
    generations.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(current_generation(out_dir)) or {}
    number = max([int(p.name) for p in generations.iterdir() if p.name.isdigit()] + [previous.get("generation", 0)]) + 1
    name = f"{number:06d}"
    tmp = Path(tempfile.mkdtemp(dir=generations, prefix=TEMP_PREFIX))
    try:
        rows = write_tables(tmp, name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / MANIFEST).write_text(json.dumps({"generation": number, "rows": rows, **record}, sort_keys=True),
                          encoding="utf-8")
    _set_modes(tmp)
    final = generations / name
    os.replace(tmp, final)
    _fsync_dir(generations)
    _replace_link(out_dir / CURRENT, f"{GENERATIONS_DIR}/{name}")
    for table in rows:
        link = out_dir / f"{table}.parquet"
        if os.path.islink(link) and os.readlink(link) == f"{CURRENT}/{table}.parquet":
            continue
        _replace_link(link, f"{CURRENT}/{table}.parquet")
    _fsync_dir(out_dir)
    for old in sorted((p for p in generations.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))[:-GENERATIONS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
