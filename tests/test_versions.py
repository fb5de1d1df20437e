"""Versions read from .dist-info folder names are the ones importlib.metadata reads."""
from importlib import metadata

from pipeline import versions


def test_every_installed_distribution_has_importlib_metadata_version():
    names = {dist.metadata["Name"] for dist in metadata.distributions()}
    assert {"pdfplumber", "pdfminer.six", "spacy", "unsc-pipeline"} <= names
    for name in names:
        assert versions.version(name) == metadata.version(name), name


def test_names_compare_as_pep_503_says():
    assert versions.version("pdfminer_six") == versions.version("pdfminer.six") == versions.version("PDFMiner-Six")
    assert versions.version("no-such-distribution") is None


def test_the_first_folder_on_sys_path_wins(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Some_Lib-2.0.dist-info").mkdir(parents=True)
    (second / "some_lib-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    versions.installed.cache_clear()
    try:
        assert versions.version("some-lib") == "2.0"
    finally:
        versions.installed.cache_clear()
