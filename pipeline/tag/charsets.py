"""A faster load of spaCy's tokenizers: the regex compiler's character-set optimizer
memoized while a model loads."""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def charsets_optimized_once() -> Iterator[None]:
    """Memoize the regex compiler's character-set optimizer for a while. spaCy's French
    tokenizer exceptions compile a 1.4 MB pattern that repeats one Unicode letter class
    some two hundred times: optimizing each distinct class once takes 2 s off the 3 s
    the French model takes to load, in every process. The optimizer is a pure
    function, so the compiled patterns are the same; on a Python without it, nothing
    changes."""
    compiler = getattr(re, "_compiler", None)
    original = getattr(compiler, "_optimize_charset", None)
    if original is None:
        yield
        return
    memo: dict[Any, Any] = {}

    def optimize(charset: Any, iscased: Any = None, fixup: Any = None, fixes: Any = None) -> Any:
        try:
            key = (tuple(charset), iscased, fixup, id(fixes))
            found = memo.get(key)
        except TypeError:  # a set item that can't be a key
            return original(charset, iscased, fixup, fixes)
        if found is None:
            found = memo[key] = original(charset, iscased, fixup, fixes)
        return list(found[0]), found[1]

    setattr(compiler, "_optimize_charset", optimize)  # noqa: B010 - a private attribute the type stubs do not declare
    try:
        yield
    finally:
        setattr(compiler, "_optimize_charset", original)  # noqa: B010 - as above
