"""The cache of compiled tag resources: one file per language and key, authenticated.

A cache file is a pickle (the resources are a trie of dataclasses and a dictionary;
pickle reads them back in a tenth of the time they take to compile), and a pickle can
run code. So each file carries an HMAC-SHA256 of its content under a key made for this
install (``.key`` in the cache folder: random, mode 0600, owned by the user), and is
unpickled only when its tag is right. A file another user planted or changed fails the
check and is compiled again; a key file that another user owns or can read disables the
cache (compiling costs seconds, never safety)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

MAGIC = b"unsc-tag-cache/1\n"
KEY_FILE = ".key"
KEY_BYTES = 32
SUFFIX = ".cache"


class UnsafeCache(Exception):
    """The cache folder's key cannot be trusted (another owner, readable by others)."""


def cached(cache_dir: Path, stem: str, key: str, kind: type[T], compile_: Callable[[], T]) -> T:
    """``stem-key`` read from ``cache_dir`` if its tag checks out, or compiled and
    written there (atomically; an unreadable, forged or foreign file is compiled again,
    an unwritable or untrusted folder only costs the time; files of the same stem under
    another key are removed)."""
    path = cache_dir / f"{stem}-{key}{SUFFIX}"
    try:
        secret = install_key(cache_dir)
    except (OSError, UnsafeCache) as exc:
        log.warning("tag cache in %s not used: %s", cache_dir, exc)
        return compile_()
    found = _read(path, secret, kind)
    if found is not None:
        return found
    value = compile_()
    try:
        _write(path, secret, value)
        for stale in cache_dir.glob(f"{stem}-*{SUFFIX}"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("tag cache not written to %s: %s", cache_dir, exc)
    return value


def install_key(cache_dir: Path) -> bytes:
    """The folder's secret key, made on first use (mode 0600); refused unless this user
    owns it and no one else can read or write it."""
    path = cache_dir / KEY_FILE
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".key.")  # mkstemp: mode 0600
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.close(fd)
            try:
                os.link(tmp, path)  # atomic, and never over a key another process made
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if info.st_uid != os.geteuid():
            raise UnsafeCache(f"{path} belongs to another user (uid {info.st_uid})")
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise UnsafeCache(f"{path} is open to other users (mode {stat.S_IMODE(info.st_mode):o})")
        secret = fh.read()
    if len(secret) != KEY_BYTES:
        raise UnsafeCache(f"{path} is not a key")
    return secret


def _tag(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).digest()


def _read(path: Path, secret: bytes, kind: type[T]) -> T | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("tag cache %s unreadable (%s): compiled again", path, exc)
        return None
    head, digest, body = data[:len(MAGIC)], data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
    if head != MAGIC or not hmac.compare_digest(digest, _tag(secret, body)):
        log.warning("tag cache %s fails its check (not written by this install): compiled again", path)
        return None
    try:
        found = pickle.loads(body)  # authenticated: written by this install's code
    except Exception as exc:  # a class that changed shape since: compile again
        log.warning("tag cache %s unreadable (%s: %s): compiled again", path, type(exc).__name__, exc)
        return None
    return found if isinstance(found, kind) else None


def _write(path: Path, secret: bytes, value: object) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", delete=False) as fh:
        fh.write(MAGIC + _tag(secret, body) + body)
    os.replace(fh.name, path)  # NamedTemporaryFile: mode 0600
