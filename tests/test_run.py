"""Batch runs: incremental, safe, and robust to bad input; the CLI's errors."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from pipeline import cli, config
from pipeline.errors import LockedError
from pipeline.run import run
from pipeline.store import run_lock
from tests.conftest import FRENCH_LETTER, ROOT, SAMPLE
from tests.batch_helpers import comparable, leftovers, run_then_block, tables, wait_for
from tests.pdfgen import write_pdf


def test_rerun_does_only_new_work_and_drops_removed_files(small_raw, tmp_path):
    out = tmp_path / "out"
    first = run(small_raw, out, workers=1, report=False)
    assert (first.processed, first.skipped) == (3, 0)
    stamp = (out / "paragraphs.parquet").stat().st_mtime_ns
    again = run(small_raw, out, workers=1, report=False)
    assert (again.processed, again.skipped) == (0, 3)
    assert (out / "paragraphs.parquet").stat().st_mtime_ns == stamp  # nothing rewritten

    (small_raw / "A_INF_76_1_en.pdf").unlink()
    after = run(small_raw, out, workers=1, report=False)
    assert after.removed == 1
    docs = pd.read_parquet(out / "documents.parquet")
    assert sorted(docs.source_file) == ["A_RES_48_246_es.pdf", "S_2016_871_fr.pdf"]
    assert set(pd.read_parquet(out / "paragraphs.parquet").doc_id) == set(docs.doc_id)


def test_a_rerun_reads_again_only_the_pdfs_whose_stat_changed(small_raw, tmp_path, monkeypatch):
    """The raw files' hashes are kept by their stat signature: a no-change rerun reads
    none of them through; a file rewritten in place, even with its old size and
    modification time, is read again and processed again; a damaged record of the
    hashes only costs reading them all again."""
    from pipeline import run as batch
    from pipeline import store

    out = tmp_path / "out"
    run(small_raw, out, workers=1, report=False)
    read: list[str] = []
    real = batch.file_sha256
    monkeypatch.setattr(batch, "file_sha256", lambda path: read.append(path.name) or real(path))
    again = run(small_raw, out, workers=1, report=False)
    assert (read, again.skipped) == ([], 3)

    target = small_raw / "A_INF_76_1_en.pdf"
    before = target.stat()
    data = bytearray(target.read_bytes())
    comment = data.index(b"\n%") + 2  # the binary comment after the header: any bytes will do
    data[comment] ^= 1  # the same size, another content (and still a PDF)
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed = run(small_raw, out, workers=1, report=False)
    assert read == ["A_INF_76_1_en.pdf"]
    assert (changed.processed, changed.removed, changed.skipped) == (1, 1, 2)

    read.clear()
    (out / store.SOURCE_HASHES).write_text("{not json", encoding="utf-8")
    damaged = run(small_raw, out, workers=1, report=False)
    assert sorted(read) == sorted(p.name for p in small_raw.glob("*.pdf")) and damaged.skipped == 3


def test_results_do_not_depend_on_batching_or_workers(small_raw, tmp_path):
    one_run = tmp_path / "one"
    run(small_raw, one_run, workers=2, report=False)
    stepwise_raw, stepwise = tmp_path / "stepwise_raw", tmp_path / "stepwise"
    stepwise_raw.mkdir()
    for pdf in sorted(small_raw.iterdir()):
        shutil.copy(pdf, stepwise_raw / pdf.name)
        run(stepwise_raw, stepwise, workers=1, report=False)
    a, b = tables(one_run), tables(stepwise)
    for name in a:
        pd.testing.assert_frame_equal(comparable(a[name]), comparable(b[name]), check_dtype=False)


def test_same_content_under_two_names_is_processed_once(small_raw, tmp_path):
    shutil.copy(FRENCH_LETTER, small_raw / "copie de la lettre.pdf")
    summary = run(small_raw, tmp_path / "out", workers=1, report=False)
    assert summary.processed == 3
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    letter = docs[docs.symbol == "S/2016/871"].iloc[0]
    assert list(letter.source_files) == ["S_2016_871_fr.pdf", "copie de la lettre.pdf"]


def bad_inputs(raw):
    data = FRENCH_LETTER.read_bytes()
    (raw / "empty.pdf").write_bytes(b"")
    (raw / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (raw / "random bytes.pdf").write_bytes(random.Random(1).randbytes(5000))
    (raw / "Письмо – رسالة.pdf").write_bytes(data)  # a copy under a non-Latin name
    write_pdf(raw / "encrypted.pdf", [["Confidential"]], encrypt=True)
    write_pdf(raw / "minutes.pdf", [["Minutes of the staff meeting", "", "The committee met on Tuesday and agreed",
                                     "to publish its report."]])
    write_pdf(raw / "long annex.pdf", [[f"Section {i}: text of a long annex that runs on.", "More text."]
                                       for i in range(500)])


def test_bad_files_are_recorded_and_the_run_goes_on(small_raw, tmp_path):
    bad_inputs(small_raw)
    before = {p.name: p.read_bytes() for p in small_raw.iterdir()}
    out = tmp_path / "out"
    summary = run(small_raw, out, workers=2, report=False)
    assert summary.failed >= 2
    t = tables(out)
    status = dict(zip(t["documents"].source_file, t["documents"].status))
    for name in ("empty.pdf", "random bytes.pdf", "encrypted.pdf"):
        assert status[name] == "failed", name
    assert status["S_2016_871_fr.pdf"] == "ok" and status["A_INF_76_1_en.pdf"] == "ok"
    assert status["long annex.pdf"] == "ok"
    errors = t["errors"].set_index("source_file")
    assert "empty.pdf" in errors.loc["empty.pdf", "message"]
    assert set(errors.loc["empty.pdf", ["stage", "error"]]) == {"extract", "PdfError"}
    assert "encrypted" in errors.loc["encrypted.pdf", "message"]
    assert "empty.pdf" not in set(t["paragraphs"].doc_id)
    docs = t["documents"].set_index("source_file")
    assert docs.loc["long annex.pdf", "page_count"] == 500
    # not a UN document: no masthead, but its paragraphs are there
    minutes = docs.loc["minutes.pdf"]
    assert minutes.status == "ok" and pd.isna(minutes.symbol) and pd.isna(minutes.job_number)
    minute_paras = t["paragraphs"][t["paragraphs"].doc_id == minutes.doc_id].text.tolist()
    assert minute_paras == ["Minutes of the staff meeting", "The committee met on Tuesday and agreed to publish its report."]
    # the copy under a non-Latin name is the letter itself, recorded under both names
    letter = docs.loc["S_2016_871_fr.pdf"]
    assert "Письмо – رسالة.pdf" in list(letter.source_files)
    assert {p.name: p.read_bytes() for p in small_raw.iterdir()} == before  # raw/ untouched


def test_a_run_killed_midway_is_completed_by_the_next_run(small_raw, tmp_path):
    clean = tmp_path / "clean"
    run(small_raw, clean, workers=1, report=False)
    out, markers = tmp_path / "out", tmp_path / "markers"
    run(small_raw, out, workers=1, report=False)
    (small_raw / "copy.pdf").write_bytes(FRENCH_LETTER.read_bytes() + b"\n% another version\n")
    proc = run_then_block(small_raw, out, markers, "write.write_part", workers=1, force=True)
    wait_for(lambda: list(markers.iterdir()), "the run to store a document")  # models loaded, one in progress
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for name in ("documents", "paragraphs", "entities", "topics", "errors"):
        pd.read_parquet(out / f"{name}.parquet")  # every table still whole (the old one)
    run(small_raw, out, workers=1, report=False)
    assert leftovers(out) == []
    run(small_raw, clean, workers=1, report=False)
    a, b = tables(out), tables(clean)
    for name in a:
        pd.testing.assert_frame_equal(comparable(a[name]), comparable(b[name]), check_dtype=False)


def test_a_scan_is_recorded_with_its_page_count(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "TESSERACT_CMD", str(tmp_path / "no-tesseract"))  # OCR of 11 pages: tests/test_ocr.py
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE / "A_47_60-S_23329_en_scanned.pdf", raw / "scan.pdf")
    summary = run(raw, tmp_path / "out", workers=1, report=False)
    assert (summary.processed, summary.no_text_layer, summary.failed) == (1, 1, 0)
    t = tables(tmp_path / "out")
    doc = t["documents"].iloc[0]
    assert (doc.status, doc.page_count, doc.n_paragraphs) == ("no_text_layer", 11, 0)
    assert t["errors"].iloc[0].error == "NoTextLayerError" and "scan.pdf" in t["errors"].iloc[0].message


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_the_time_limit_is_stopped_and_recorded(small_raw, tmp_path, workers):
    summary = run(small_raw, tmp_path / "out", workers=workers, timeout=0.01, report=False)
    assert summary.failed == 3
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert set(errors.error) == {"DocumentTimeout"} and len(errors) == 3  # once each, head start or not


def test_a_failure_while_loading_for_the_workers_leaves_no_process_behind(small_raw, tmp_path, monkeypatch):
    import multiprocessing

    from pipeline import run as batch

    def broken(engine, ner, languages_met):
        raise RuntimeError("model files damaged")

    monkeypatch.setattr(batch, "_load_for_workers", broken)
    with pytest.raises(RuntimeError, match="damaged"):
        run(small_raw, tmp_path / "out", workers=2, report=False)
    assert multiprocessing.active_children() == []


def test_the_head_start_process_dying_loses_no_document(small_raw, tmp_path, monkeypatch):
    """With workers, one process extracts ahead while the tag pipelines load; if it
    dies, the documents it had claimed are processed in full."""
    from pipeline import run as batch

    def claim_then_die(sources, claimed, sender, language_sender, out_dir, timeout, parent):
        with claimed.get_lock():
            claimed.value = len(sources)
        os._exit(1)

    clean = tmp_path / "clean"
    run(small_raw, clean, workers=1, report=False)
    monkeypatch.setattr(batch, "_extract_in_order", claim_then_die)
    summary = run(small_raw, tmp_path / "out", workers=2, report=False)
    assert summary.processed == 3 and summary.failed == 0
    a, b = tables(clean), tables(tmp_path / "out")
    for name in a:
        pd.testing.assert_frame_equal(comparable(a[name]), comparable(b[name]), check_dtype=False)


def test_the_head_start_sends_each_language_at_once_and_the_parent_builds_its_pipeline(small_raw, tmp_path,
                                                                                        monkeypatch):
    """The head start's process sends a document's language the first time it meets it,
    before its head starts; the parent builds the tag pipeline of each language sent so
    far, with the models', before it forks the workers (else each worker built it on its
    first document in that language)."""
    import multiprocessing

    from pipeline import run as batch
    from pipeline import tag

    french, spanish = small_raw / "S_2016_871_fr.pdf", small_raw / "A_RES_48_246_es.pdf"
    sources = [batch.SourceFile(path, path.name, batch.file_sha256(path)) for path in (french, spanish, french)]
    context = multiprocessing.get_context("fork")
    claimed = context.Value("i", 0)
    receiver, sender = context.Pipe(duplex=False)
    languages, language_sender = context.Pipe(duplex=False)
    process = context.Process(target=batch._extract_in_order, daemon=True,
                              args=(sources, claimed, sender, language_sender, tmp_path, 60.0, os.getpid()))
    process.start()
    sender.close()
    language_sender.close()
    met = []
    with pytest.raises(EOFError):
        while True:
            met.append(languages.recv())
    head_starts = receiver.recv()
    process.join()
    assert met == ["fr", "es"]
    assert [h.prepared.document.masthead.language for h in head_starts] == ["fr", "es", "fr"]

    built = []
    monkeypatch.setattr(tag, "load", lambda language, ner="model": built.append((language, ner)))
    languages, language_sender = context.Pipe(duplex=False)
    for language in ("es", None):
        language_sender.send(language)
    language_sender.close()
    batch._load_for_workers("pdfium", "rules", languages)
    assert built == [*((language, "rules") for language in config.SPACY_MODELS), ("es", "rules"), (None, "rules")]

    # a language whose pipeline fails to build is left to the workers: the run goes on
    def build(language, ner="model"):
        if language == "zz":
            raise OSError("model files damaged")
        built.append((language, ner))

    monkeypatch.setattr(tag, "load", build)
    built.clear()
    languages, language_sender = context.Pipe(duplex=False)
    for language in ("zz", "es"):
        language_sender.send(language)
    language_sender.close()
    batch._load_for_workers("pdfium", "rules", languages)
    assert built[-1] == ("es", "rules")


def test_a_head_start_is_the_segmented_document_without_its_lines(tmp_path):
    """What the head start's process sends (through the parent, to a worker) is the
    document segmented, its lines dropped: it gives the same tables as processing the
    document in one go."""
    from pipeline import run as batch

    source = batch.SourceFile(FRENCH_LETTER, FRENCH_LETTER.name, batch.file_sha256(FRENCH_LETTER))
    ahead = batch.extract_ahead(source, tmp_path / "out", timeout=0)
    assert isinstance(ahead, batch.HeadStart)
    assert ahead.prepared.document.lines == [] and ahead.prepared.document.rules == []
    assert ahead.prepared.segmented is not None and ahead.prepared.segmented.paragraphs
    with_head_start, _, status, _ = batch.build_document(source, ahead.prepared)
    in_one_go, _, _, _ = batch.build_document(source)
    assert status == "ok"
    for name, table in in_one_go.items():
        assert comparable(with_head_start[name].to_pandas()).equals(comparable(table.to_pandas())), name


def test_a_second_run_on_the_same_folder_is_refused(small_raw, tmp_path):
    out = tmp_path / "out"
    with run_lock(out, wait=False), pytest.raises(LockedError, match="another run"):
        run(small_raw, out, workers=1, report=False)


def test_fuzzed_pdfs_never_crash_the_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = bytearray((SAMPLE / "A_INF_76_1_en.pdf").read_bytes())
    rng = random.Random(7)
    for i in range(200):
        mutant = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            mutant[rng.randrange(len(mutant))] = rng.randrange(256)
        if i % 5 == 0:
            mutant = mutant[: rng.randrange(len(mutant))]
        (raw / f"mutant_{i:03}.pdf").write_bytes(bytes(mutant))
    summary = run(raw, tmp_path / "out", workers=2, timeout=60, report=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs.doc_id.nunique() == summary.processed + summary.failed  # every distinct file recorded
    assert set(docs.status) <= {"ok", "failed", "no_text_layer"}
    assert summary.processed > 0


def cli_run(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_missing_folder_is_a_one_line_usage_error(tmp_path):
    result = cli_run("run", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: raw folder not found: {tmp_path / 'nowhere'}"]


def test_cli_folder_without_pdfs(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notes.txt").write_text("no pdf here")
    assert cli.main(["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")]) == 2


def test_cli_strict_exits_1_when_a_document_failed(small_raw, tmp_path, capsys):
    (small_raw / "empty.pdf").write_bytes(b"")
    args = ["run", "--raw", str(small_raw), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", "--no-report"]
    assert cli.main(args) == 0
    assert "failed 1" in capsys.readouterr().out
    assert cli.main(args + ["--strict", "--force"]) == 1


def test_every_command_has_help():
    for command in ("run", "extract", "segment", "tag", "report", "schema"):
        result = cli_run(command, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout


def test_the_store_knows_every_table_the_schemas_declare():
    from pipeline import schemas, store

    assert set(store.TABLE_NAMES) == set(schemas.TABLES)


def test_cli_unwritable_output_folder_is_one_clear_line(small_raw, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    result = cli_run("run", "--raw", str(small_raw), "--out", str(blocker / "out"), "--quiet")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "a file" in line


def test_wait_waits_for_the_other_run(small_raw, tmp_path):
    import threading

    out = tmp_path / "out"
    held = threading.Event()

    def other_run():
        with run_lock(out, wait=False):
            held.set()
            time.sleep(1.0)

    thread = threading.Thread(target=other_run)
    thread.start()
    held.wait()
    started = time.monotonic()
    summary = run(small_raw, out, workers=1, wait=True, report=False)
    thread.join()
    assert time.monotonic() - started >= 0.9 and summary.processed == 3


def test_log_lines_when_not_on_a_terminal():
    import io

    from pipeline.run import Outcome

    stream = io.StringIO()
    progress = cli.Progress(stream=stream)
    progress(Outcome("d", "a.pdf", "ok", 4, 25), 1, 2)
    progress(Outcome("e", "b.pdf", "failed", 0, 0, "b.pdf: empty file (0 bytes)"), 2, 2)
    assert stream.getvalue().splitlines() == [
        "[1/2] ok            a.pdf: 4 pages, 25 paragraphs",
        "[2/2] failed        b.pdf: 0 pages, 0 paragraphs (b.pdf: empty file (0 bytes))",
    ]


def test_a_damaged_part_is_processed_again_and_the_tables_stay_whole(small_raw, tmp_path, capsys, monkeypatch):
    """A part that does not read back (a disk error, a hand that edited it) is removed and
    its document processed again when the tables are next published; one that is still
    damaged after that fails the run with a clear error, and leaves no half generation."""
    from pipeline import run as batch
    from pipeline import store, write
    from pipeline.errors import DamagedPart

    out = tmp_path / "out"
    run(small_raw, out, workers=1, report=False)
    parts = store.list_parts(out)
    (small_raw / "A_INF_76_1_en.pdf").unlink()  # something to publish
    clean = tmp_path / "clean"
    run(small_raw, clean, workers=1, report=False)
    damaged = parts[batch.file_sha256(small_raw / "S_2016_871_fr.pdf")[:16]]
    (damaged / f"paragraphs{write.PART_SUFFIX}").write_bytes(b"not an Arrow file")

    summary = run(small_raw, out, workers=1, report=False)
    assert (summary.processed, summary.skipped, summary.removed) == (1, 1, 1)
    assert "damaged part" in capsys.readouterr().err
    a, b = tables(clean), tables(out)
    for name in a:
        pd.testing.assert_frame_equal(comparable(a[name]), comparable(b[name]), check_dtype=False)

    def always_damaged(path, schema):
        raise DamagedPart(path.parent, "unreadable")

    monkeypatch.setattr(write, "_read_part", always_damaged)
    (small_raw / "A_RES_48_246_es.pdf").unlink()
    with pytest.raises(DamagedPart, match="damaged part"):
        run(small_raw, out, workers=1, report=False)
    assert [p.name for p in (out / store.GENERATIONS_DIR).iterdir() if not p.name.isdigit()] == []


def test_results_version_covers_every_module_data_file_and_library(tmp_path, monkeypatch):
    from pipeline import config
    from pipeline import run as batch

    installed = batch.library_versions()
    assert {"pdfplumber", "pdfminer.six", "spacy"} <= set(installed)
    assert any(name.startswith(("fr_core", "fr-core")) for name in installed)
    package = tmp_path / "pipeline"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", package)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")

    def version() -> str:
        batch.results_version.cache_clear()
        return batch.results_version()

    try:
        base = version()
        (package / "report.py").write_text("# the report does not make rows\n")
        (package / "templates" / "report.html.j2").write_text("nor does its template")
        assert version() == base
        (package / "newstage.py").write_text("RULE = 1\n")  # a module nobody listed
        with_module = version()
        assert with_module != base
        (package / "data" / "new_words.tsv").write_text("word\n")
        assert version() != with_module
        with_data = version()
        monkeypatch.setattr(batch, "library_versions", lambda: {"pdfminer.six": "99"})
        assert version() != with_data
    finally:
        batch.results_version.cache_clear()


def test_the_results_version_is_computed_again_only_when_a_file_changed(tmp_path, monkeypatch):
    """The version is kept with the files' stat signatures: a second process reads none
    of the package's files; a module rewritten with its old size and modification time
    is read again (its change time moved), and so is everything when the kept record is
    damaged."""
    from pathlib import Path

    from pipeline import config
    from pipeline import run as batch

    package = tmp_path / "pipeline"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", package)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path.name) or real(path))

    def version() -> str:
        batch.results_version.cache_clear()
        read.clear()
        return batch.results_version()

    try:
        base = version()
        assert "segment.py" in read
        assert (version(), read) == (base, [])

        module = package / "segment.py"
        before = module.stat()
        text = module.read_text(encoding="utf-8")
        changed = text.replace("paragraph", "Paragraph", 1)
        assert changed != text and len(changed) == len(text)
        module.write_text(changed, encoding="utf-8")
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert version() != base and "segment.py" in read

        (config.CACHE_DIR / batch.VERSION_CACHE).write_text("{not json")
        module.write_text(text, encoding="utf-8")
        assert version() == base and "segment.py" in read
    finally:
        batch.results_version.cache_clear()


def test_one_version_string_the_one_of_pyproject():
    import tomllib

    import pipeline
    from pipeline import config

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert pipeline.__version__ == config.PIPELINE_VERSION == declared
    assert not any(f'"{declared}"' in path.read_text(encoding="utf-8") for path in config.PACKAGE_DIR.rglob("*.py"))


def test_the_clis_engine_and_ner_choices_are_the_record_types_values():
    from typing import get_args

    from pipeline import config, types

    assert config.ENGINES == get_args(types.Engine)
    assert config.NER_MODES == get_args(types.NerMode)


def test_the_allocator_is_tuned_where_the_c_library_is_glibc():
    import platform

    from pipeline import run as batch

    batch.tune_allocator.cache_clear()
    assert batch.tune_allocator() is (platform.libc_ver()[0] == "glibc")


def test_a_runs_records_cross_a_pipe_and_compare_by_their_fields(tmp_path):
    import pickle

    from pipeline.run import Outcome, SourceFile

    source = SourceFile(tmp_path / "a.pdf", "a.pdf", "ab" * 32, "pdfplumber", "rules")
    again = pickle.loads(pickle.dumps(source))
    assert again == source and again is not source
    assert (again.doc_id, again.engine, again.ner) == ("ab" * 8, "pdfplumber", "rules")
    assert source != SourceFile(tmp_path / "a.pdf", "a.pdf", "ab" * 32)  # the default engine and mode differ
    assert repr(Outcome("d", "a.pdf", "ok", 4, 25)) == ("Outcome(doc_id='d', message=None, ocr_pages=0, pages=4,"
                                                         " paragraphs=25, source_file='a.pdf', status='ok')")
