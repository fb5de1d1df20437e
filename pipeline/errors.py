"""Exceptions the library raises; the CLI turns each into one clear line."""
from __future__ import annotations

from os import PathLike


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose. ``stage`` names the
    stage it was raised in, once known (extract, segment, tag, write, scan or run)."""

    stage: str | None = None


class StageError(PipelineError):
    """An unexpected error inside a stage (a bug, a malformed PDF), kept with its cause."""

    def __init__(self, stage: str, cause: BaseException):
        self.stage = stage
        self.cause = cause
        super().__init__(f"{type(cause).__name__}: {cause}")


class UsageError(PipelineError):
    """The command was called wrongly (missing folder, no PDFs, bad option)."""


class PdfError(PipelineError):
    """A file could not be read as a PDF (empty, truncated, encrypted, not a PDF)."""

    def __init__(self, path: str | PathLike[str], problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NoTextLayerError(PipelineError):
    """The PDF has pages but no text layer (a scan)."""


class DocumentTimeout(PipelineError):
    """Processing one document took longer than the per-document limit."""


class ResourceLimit(PipelineError):
    """A document is bigger than a per-document limit (characters per page or paragraph):
    a bomb, or no text a reader would want."""


class WorkerDied(PipelineError):
    """The worker process processing a document died (killed by a signal, out of memory)."""


class DamagedPart(PipelineError):
    """A stored part (one document's rows) cannot be read back: a run removes it and
    processes its document again."""

    def __init__(self, part: str | PathLike[str], problem: str):
        self.part = str(part)
        self.problem = problem
        super().__init__(f"{self.part}: damaged part ({problem})")


class LockedError(PipelineError):
    """Another run holds the lock on the output folder."""


class TableNotFound(PipelineError):
    """A processed table's Parquet file is missing."""

    def __init__(self, path: str | PathLike[str], table: str):
        self.path = str(path)
        self.table = table
        super().__init__(f"{self.path}: table {table!r} not found (has the pipeline run on this folder?)")


class OcrUnavailable(PipelineError):
    """Tesseract (or a language's model) is not installed, so a scan cannot be read."""


class InconsistentTables(PipelineError):
    """The tables of a processed folder do not form one published set."""
