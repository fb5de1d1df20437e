"""Nothing lost, nobody in: killed runs and workers, bad file names and files, damaged
PDFs, bombs, links out of raw/, and readers of a folder a run is publishing to.

The kill tests stop a run at a synchronisation point: the patched stage writes a marker
file and blocks; the test waits for the marker, then kills."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import zlib
from pathlib import Path

import pandas as pd
import pytest

from pipeline import cli, config, loading
from pipeline import run as batch
from pipeline.errors import InconsistentTables
from pipeline.run import run
from tests.conftest import FRENCH_LETTER, SAMPLE
from tests.pdfgen import write_pdf, write_stream_pdf
from tests.batch_helpers import alive, children, comparable, leftovers, run_then_block, tables, wait_for

ENGLISH = "A_INF_76_1_en.pdf"


# --- killed runs ----------------------------------------------------------------------

def test_a_killed_run_leaves_no_worker_and_no_lock_behind(small_raw, tmp_path, capfd):
    out, markers = tmp_path / "out", tmp_path / "markers"
    proc = run_then_block(small_raw, out, markers, "run.process_document", workers=2)
    wait_for(lambda: list(markers.iterdir()), "a worker to start a document")
    workers = children(proc.pid)
    assert workers  # the head start's process and the workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to die with their parent")

    summary = run(small_raw, out, workers=1, report=False)  # not refused: nobody holds the lock
    assert summary.processed == 3
    warnings = [line for line in capfd.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: the run {proc.pid} on {out} died; its lock is taken over"]
    assert leftovers(out) == []


def test_a_run_killed_while_publishing_leaves_the_old_set_and_no_temp_files(small_raw, tmp_path):
    out, markers = tmp_path / "out", tmp_path / "markers"
    run(small_raw, out, workers=1, report=False)
    before = loading.load(out)
    (small_raw / ENGLISH).unlink()
    proc = run_then_block(small_raw, out, markers, "write.publish", workers=1)
    wait_for(lambda: list(markers.iterdir()), "the run to write its tables")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert leftovers(out)  # the new set, written but never published
    during = loading.load(out)  # the old set, whole and consistent
    for name in ("documents", "paragraphs", "entities"):
        pd.testing.assert_frame_equal(during[name], before[name])
        assert len(pd.read_parquet(out / f"{name}.parquet")) == len(before[name])

    run(small_raw, out, workers=1, report=False)
    assert leftovers(out) == []
    assert ENGLISH not in set(loading.load(out, "documents").documents.source_file)


# --- dead workers ---------------------------------------------------------------------

def killing(name: str, times: int, marks: Path):
    """A process_document that kills its worker the first ``times`` times it gets ``name``."""
    real = batch.process_document

    def process(source, *args, **kwargs):
        if source.name == name and len(list(marks.iterdir())) < times:
            (marks / str(os.getpid())).write_text("")
            os.kill(os.getpid(), signal.SIGKILL)
        return real(source, *args, **kwargs)

    marks.mkdir(exist_ok=True)
    return process


def test_a_worker_killed_once_costs_nothing(small_raw, tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    run(small_raw, clean, workers=1, report=False)
    monkeypatch.setattr(batch, "process_document", killing(ENGLISH, 1, tmp_path / "marks"))
    summary = run(small_raw, tmp_path / "out", workers=2, report=False)
    assert len(list((tmp_path / "marks").iterdir())) == 1  # it did die
    assert (summary.processed, summary.failed) == (3, 0)
    a, b = tables(clean), tables(tmp_path / "out")
    for name in a:
        pd.testing.assert_frame_equal(comparable(a[name]), comparable(b[name]), check_dtype=False)


def test_the_document_that_kills_its_worker_twice_fails_alone_and_is_retried_next_run(small_raw, tmp_path,
                                                                                      monkeypatch):
    out = tmp_path / "out"
    with monkeypatch.context() as patched:
        patched.setattr(batch, "process_document", killing(ENGLISH, 2, tmp_path / "marks"))
        summary = run(small_raw, out, workers=2, report=False)
    assert (summary.processed, summary.failed) == (2, 1)
    docs = tables(out)["documents"].set_index("source_file")
    assert docs.loc[ENGLISH, "status"] == "failed" and set(docs.status) == {"ok", "failed"}
    error = tables(out)["errors"].iloc[0]
    assert (error.error, error.stage) == ("WorkerDied", "run") and "SIGKILL" in error.message

    again = run(small_raw, out, workers=2, report=False)  # a failure is not "unchanged"
    assert (again.processed, again.skipped, again.failed) == (1, 2, 0)
    assert set(tables(out)["documents"].status) == {"ok"}


# --- the scan -------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_stored_losslessly(small_raw, tmp_path):
    raw_name = b"bad\xff name.pdf"
    shutil.copy(FRENCH_LETTER, os.path.join(os.fsencode(small_raw), raw_name))
    shutil.copy(SAMPLE / ENGLISH, small_raw / ENGLISH.replace(".pdf", "-copy.pdf"))
    (small_raw / "S_2016_871_fr.pdf").unlink()  # the bad name is the letter's only one
    summary = run(small_raw, tmp_path / "out", workers=1, report=False)
    assert summary.failed == 0
    docs = tables(tmp_path / "out")["documents"].set_index("source_file")
    assert docs.loc["bad\\xff name.pdf", "status"] == "ok"
    assert bytes.fromhex(docs.loc["bad\\xff name.pdf", "source_file_hex"]) == raw_name
    assert docs.source_file_hex.isna().sum() == len(docs) - 1
    again = run(small_raw, tmp_path / "out", workers=1, report=False)
    assert (again.processed, again.skipped) == (0, 3)


@pytest.mark.parametrize("problem", ["unreadable", "vanished", "broken link"])
def test_a_file_that_cannot_be_read_is_an_errors_row(small_raw, tmp_path, monkeypatch, problem):
    victim = small_raw / "victim.pdf"
    shutil.copy(FRENCH_LETTER, victim)
    real = batch.file_sha256
    if problem == "unreadable":  # as root, a mode of 000 reads anyway: the error is raised here
        def hashing(path):
            if path == victim:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        monkeypatch.setattr(batch, "file_sha256", hashing)
    elif problem == "vanished":
        def hashing(path):
            if path == victim:
                victim.unlink()
            return real(path)
        monkeypatch.setattr(batch, "file_sha256", hashing)
    else:
        victim.unlink()
        victim.symlink_to(small_raw / "nowhere.pdf")
    summary = run(small_raw, tmp_path / "out", workers=1, report=False)
    assert (summary.processed, summary.failed) == (3, 1)
    t = tables(tmp_path / "out")
    (row,) = t["errors"].itertuples()
    assert (row.source_file, row.stage) == ("victim.pdf", "scan") and row.message.startswith("victim.pdf: ")
    assert {"unreadable": "PermissionError", "vanished": "FileNotFoundError",
            "broken link": "FileNotFoundError"}[problem] == row.error
    assert "victim.pdf" not in set(t["documents"].source_file)


def test_a_folder_that_cannot_be_listed_is_an_errors_row(small_raw, tmp_path, monkeypatch):
    (small_raw / "locked").mkdir()
    real = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run(small_raw, tmp_path / "out", workers=1, report=False)
    assert (summary.processed, summary.failed) == (3, 1)
    assert tables(tmp_path / "out")["errors"].source_file.tolist() == ["locked"]


def test_a_link_out_of_raw_is_not_followed_unless_asked(small_raw, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write_pdf(outside / "secret.pdf", [["The secret text of a file outside the raw folder."]])
    (small_raw / "link.pdf").symlink_to(outside / "secret.pdf")
    (small_raw / "folder").symlink_to(outside)
    (small_raw / "inside.pdf").symlink_to(small_raw / ENGLISH)  # inside: followed
    out = tmp_path / "out"
    summary = run(small_raw, out, workers=1, report=False)
    assert (summary.processed, summary.failed) == (3, 2)
    t = tables(out)
    assert "secret" not in " ".join(t["paragraphs"].text)
    assert t["errors"].source_file.tolist() == ["folder", "link.pdf"] and set(t["errors"].error) == {"SymlinkOutside"}
    assert t["errors"].message.str.contains("--follow-symlinks").all()
    assert cli.main(["run", "--raw", str(small_raw), "--out", str(out), "--workers", "1", "--quiet",
                     "--no-report", "--follow-symlinks"]) == 0
    t = tables(out)
    assert t["errors"].empty and "secret text" in " ".join(t["paragraphs"].text)
    assert sorted(t["documents"].set_index("doc_id").source_files.map(len)) == [1, 1, 2, 2]


def test_the_scan_is_published_again_when_only_its_problems_change(small_raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    (small_raw / "link.pdf").symlink_to(tmp_path / "gone.pdf")
    run(small_raw, out, workers=1, report=False)
    assert len(tables(out)["errors"]) == 1
    (small_raw / "link.pdf").unlink()
    run(small_raw, out, workers=1, report=False)
    assert tables(out)["errors"].empty


# --- published as one set -------------------------------------------------------------

def test_a_reader_that_resolved_the_set_keeps_reading_it_while_runs_publish(small_raw, tmp_path):
    out = tmp_path / "out"
    run(small_raw, out, workers=1, report=False)
    resolved = loading.published_set(out)
    old = pd.read_parquet(resolved / "documents.parquet")
    (small_raw / ENGLISH).unlink()
    run(small_raw, out, workers=1, report=False)
    assert loading.published_set(out) != resolved
    pd.testing.assert_frame_equal(pd.read_parquet(resolved / "documents.parquet"), old)  # kept for it
    new = loading.load(out)
    assert set(new.paragraphs.doc_id) == set(new.documents.doc_id) and len(new.documents) == 2
    assert len(pd.read_parquet(out / "documents.parquet")) == 2  # the plain file path follows


def test_a_reader_during_runs_sees_whole_sets_only(small_raw, tmp_path):
    import threading

    out = tmp_path / "out"
    run(small_raw, out, workers=1, report=False)
    letter = small_raw / "S_2016_871_fr.pdf"
    kept = letter.read_bytes()
    done, snapshots, broken = threading.Event(), [], []

    def reader():
        while not done.is_set() or not snapshots:
            t = loading.load(out, ["documents", "paragraphs"])
            counts = t.paragraphs.groupby("doc_id", observed=True).size()
            expected = t.documents.set_index("doc_id").n_paragraphs
            if not set(counts.index) <= set(expected.index) or any(counts.get(d, 0) != n for d, n in expected.items()):
                broken.append(t)
            snapshots.append(len(t.documents))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(4):
            if i % 2:
                letter.write_bytes(kept)
            else:
                letter.unlink()
            run(small_raw, out, workers=1, report=False)
    finally:
        done.set()
        thread.join()
    assert snapshots and not broken


def test_load_refuses_tables_of_two_sets(small_raw, tmp_path):
    out = tmp_path / "out"
    run(small_raw, out, workers=1, report=False)
    old = loading.published_set(out)
    (small_raw / ENGLISH).unlink()
    run(small_raw, out, workers=1, report=False)
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, symlinks=False, ignore=shutil.ignore_patterns(".*"))
    shutil.copy(old / "paragraphs.parquet", copy / "paragraphs.parquet")
    with pytest.raises(InconsistentTables, match="different runs"):
        loading.load(copy)
    current = loading.published_set(out)
    os.chmod(current / "paragraphs.parquet", 0o644)
    shutil.copy(old / "paragraphs.parquet", current / "paragraphs.parquet")
    with pytest.raises(InconsistentTables, match="manifest"):
        loading.load(out, ["documents", "paragraphs"])


def test_tables_and_report_have_the_same_mode(small_raw, tmp_path):
    out = tmp_path / "out"
    previous = os.umask(0o022)
    try:
        run(small_raw, out, workers=1)
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [*out.glob("*.parquet"), out / "report.html"]}
    assert set(modes.values()) == {0o644}, modes


# --- damaged PDFs and bombs ------------------------------------------------------------

def test_a_pdf_missing_its_last_bytes_is_repaired(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = (SAMPLE / ENGLISH).read_bytes()
    (raw / "whole.pdf").write_bytes(data)
    (raw / "cut.pdf").write_bytes(data[:-40])
    run(raw, tmp_path / "out", workers=1, report=False)
    t = tables(tmp_path / "out")
    docs = t["documents"].set_index("source_file")
    assert docs.loc["cut.pdf", "status"] == "ok" and docs.loc["cut.pdf", "page_count"] == docs.loc["whole.pdf",
                                                                                                 "page_count"]
    texts = t["paragraphs"].groupby("doc_id").text.apply(list)
    assert texts[docs.loc["cut.pdf", "doc_id"]] == texts[docs.loc["whole.pdf", "doc_id"]]


def test_a_damaged_pdf_is_failed_with_the_parsers_reasons_not_taken_for_a_scan(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "TESSERACT_CMD", str(tmp_path / "no-tesseract"))  # the scan stays a scan
    raw = tmp_path / "raw"
    raw.mkdir()
    data = (SAMPLE / ENGLISH).read_bytes()
    (raw / "cut.pdf").write_bytes(data[: len(data) // 2])
    shutil.copy(SAMPLE / "A_47_60-S_23329_en_scanned.pdf", raw / "scan.pdf")
    args = ["run", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", "--no-report",
            "--strict"]
    assert cli.main(args) == 1
    t = tables(tmp_path / "out")
    status = dict(zip(t["documents"].source_file, t["documents"].status))
    assert status == {"cut.pdf": "failed", "scan.pdf": "no_text_layer"}
    message = t["errors"].set_index("source_file").loc["cut.pdf", "message"]
    assert "pypdf: " in message and "cut.pdf: " in message


def test_a_glyph_bomb_fails_its_document_only(small_raw):
    content = b"BT /F1 1 Tf " + b"(AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj " * (config.MAX_PAGE_CHARS // 40 + 1) + b"ET"
    write_stream_pdf(small_raw / "bomb.pdf", zlib.compress(content, 9), "/Filter /FlateDecode")
    out = small_raw.parent / "out"
    summary = run(small_raw, out, workers=1, report=False)
    assert (summary.processed, summary.failed) == (3, 1)
    error = tables(out)["errors"].iloc[0]
    assert error.error == "ResourceLimit" and "characters on page 1" in error.message


def test_a_paragraph_over_the_limit_fails_its_document(small_raw, monkeypatch):
    monkeypatch.setattr(config, "MAX_PARAGRAPH_CHARS", 2000)
    write_pdf(small_raw / "wall.pdf", [["a wall of text that runs on and on and on without a break at all"] * 45])
    out = small_raw.parent / "out"
    summary = run(small_raw, out, workers=1, report=False)
    assert (summary.processed, summary.failed) == (3, 1)
    (error,) = tables(out)["errors"].itertuples()
    assert (error.source_file, error.error, error.stage) == ("wall.pdf", "ResourceLimit", "segment")


@pytest.mark.parametrize("engine, stage, error", [
    ("pdfplumber", "extract", "MemoryError"),  # pdfminer's inflating raises
    ("pdfium", "run", "WorkerDied"),           # pdfium aborts its process: the worker dies, twice
])
def test_a_flate_bomb_costs_one_failed_row_under_the_memory_limit(small_raw, monkeypatch, engine, stage, error):
    monkeypatch.setattr(config, "WORKER_MEMORY_MB", 700)  # the workers read it when forked
    squeezer = zlib.compressobj(1)
    zeros = b"\0" * (1 << 20)
    deflated = b"".join(squeezer.compress(zeros) for _ in range(1536)) + squeezer.flush()  # 1.5 GB inflated
    write_stream_pdf(small_raw / "bomb.pdf", deflated, "/Filter /FlateDecode")
    out = small_raw.parent / "out"
    summary = run(small_raw, out, workers=2, report=False, engine=engine)
    assert (summary.processed, summary.failed) == (3, 1)
    docs = tables(out)["documents"].set_index("source_file")
    assert docs.loc["bomb.pdf", "status"] == "failed"
    row = tables(out)["errors"].iloc[0]
    assert (row.source_file, row.stage, row.error) == ("bomb.pdf", stage, error)
