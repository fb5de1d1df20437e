"""Types of the C glyph reader (_glyphs.c)."""
from typing import Callable

Font = tuple[str, float, float, bool, int | None, float]
# a word's text (its glyphs' joined where all are ASCII, else the glyphs' texts left to right),
# x0, x1, top, bottom, size, fontname
WordRow = tuple[str | list[str], float, float, float, float, float, str]

def bind(path: str) -> None: ...
def page_words(textpage: int, flip: float, font_of: Callable[[int, int], Font], x_tolerance: float,
               y_tolerance: float, min_size: float, faux_bold_shift: float) -> tuple[list[WordRow], bool]: ...
