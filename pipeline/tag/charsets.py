"""A faster load of spaCy's tokenizers: while a model loads, the regex compiler's
character-set optimizer is memoized, and a very long pattern's compiled code is read
from the tag cache instead of being compiled again."""
from __future__ import annotations

import array
import contextlib
import hashlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import cached

# Characters: a pattern this long is compiled once per install and Python version, then
# read back from the cache: the French tokenizer exceptions' 1.4 MB (0.5 s -> 10 ms), and
# each model's prefix, suffix, infix and URL patterns (3,000 to 18,000 characters, 10 to
# 30 ms each: 0.1 s of every process's start).
LONG_PATTERN = 2_000


@contextlib.contextmanager
def fast_compile(cache_dir: Path | None = None) -> Iterator[None]:
    """Compile regular expressions faster for a while (a model's load): memoized
    character-set optimizing, and, with ``cache_dir``, long patterns' code cached there.
    Both give the same compiled code as ``re`` (the memo wraps a pure function; the
    cached code is the compiler's own, checked again by ``_sre``); on a Python whose
    ``re`` is built otherwise, nothing changes."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(charsets_optimized_once())
        if cache_dir is not None:
            stack.enter_context(_long_patterns_cached(cache_dir))
        yield


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


@dataclass(frozen=True)
class CompiledCode:
    """What ``re._compiler.compile`` hands ``_sre.compile`` for one pattern."""

    flags: int
    code: bytes  # the code words, array("I")
    groups: int
    groupindex: dict[str, int]
    indexgroup: tuple[str | None, ...]


def compiled_code(pattern: str, flags: int) -> CompiledCode:
    """Parse and compile ``pattern`` as ``re._compiler.compile`` does."""
    compiler = re._compiler  # type: ignore[attr-defined]
    parsed = compiler._parser.parse(pattern, flags)
    code = compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return CompiledCode(flags | parsed.state.flags, array.array("I", code).tobytes(), parsed.state.groups,
                        groupindex, tuple(indexgroup))


@contextlib.contextmanager
def _long_patterns_cached(cache_dir: Path) -> Iterator[None]:
    """``re``'s compiler reading long patterns' code from ``cache_dir`` for a while."""
    compiler = getattr(re, "_compiler", None)
    original = getattr(compiler, "compile", None)
    sre = getattr(compiler, "_sre", None)
    if original is None or sre is None or array.array("I").itemsize != getattr(sre, "CODESIZE", None):
        yield
        return

    def compile_(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, str) or len(pattern) < LONG_PATTERN or flags & re.DEBUG:
            return original(pattern, flags)
        digest = hashlib.sha256(f"{sys.version}\n{sre.MAGIC}\n{flags}\n".encode()
                                + pattern.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        found = cached(cache_dir, f"regex-{digest}", "code", CompiledCode, lambda: compiled_code(pattern, flags))
        code = array.array("I")
        code.frombytes(found.code)
        return sre.compile(pattern, found.flags, code.tolist(), found.groups - 1, found.groupindex, found.indexgroup)

    setattr(compiler, "compile", compile_)  # noqa: B010 - as above
    try:
        yield
    finally:
        setattr(compiler, "compile", original)  # noqa: B010 - as above
