"""jieba, started in milliseconds instead of seconds, with the same segmentation.

jieba's default tokenizer keeps its whole prefix dictionary (~500k words and word prefixes,
each with a frequency) in one dict, read at start from a marshal cache; on the 2-core machines
that read alone takes 0.8-1.5 s of every process, although segmenting one report's statements
looks up only a few thousand of those keys. `initialize()` instead gives jieba a `PrefixDict`:
the same keys and frequencies, stored in a per-user cache file in 65,536 buckets by each key's
first two characters, with a bucket read (and kept) the first time a key in it is looked up.
Every lookup answers exactly what jieba's dict would, so every text segments the same.

The cache file is derived from jieba's own dict.txt by jieba's own `gen_pfdict`, built on first
use (a few seconds, once per machine and jieba install) and keyed by that file's path, size and
mtime. Where no cache can be read or written, jieba starts its usual way.

`import_jieba()` also keeps jieba's import from pulling in pkg_resources (~0.2 s; jieba only
uses it to open its own data files, and falls back to open() beside them without it).
"""
from __future__ import annotations

import functools
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
import threading
import zlib
from pathlib import Path

from ..settings import cache_dir

log = logging.getLogger(__name__)

FORMAT = 1
MAGIC = b"NBJIEBA%d\n" % FORMAT
BUCKET_BITS = 16
# magic | total (q) | bucket count (I) | key length (I) | key | offsets ((count + 1) x Q) | buckets
_HEAD = struct.Struct("<qII")


LOADING = threading.RLock()  # held while jieba (or a model that uses it) is being set up


def loaded_once(load):
    """`load`, run once per process and remembered (as lru_cache(1)), under LOADING: threads
    that ask while it runs (a Dask worker's) wait for its result instead of loading again."""
    cached = functools.lru_cache(maxsize=1)(load)

    @functools.wraps(load)
    def once(*args):
        with LOADING:
            return cached(*args)
    return once


def import_jieba():
    """jieba, imported without pkg_resources (when nothing else has imported it already).
    Threads that parse side by side (a Dask worker's) wait for the one importing it: a
    half-imported jieba is never handed out."""
    with LOADING:
        if "jieba" in sys.modules:
            return sys.modules["jieba"]
        hide = "pkg_resources" not in sys.modules
        if hide:
            sys.modules["pkg_resources"] = None  # `import pkg_resources` raises ImportError
        try:
            import jieba
        finally:
            if hide and sys.modules.get("pkg_resources", False) is None:
                del sys.modules["pkg_resources"]
        return jieba


def _bucket_of(prefix: str, mask: int) -> int:
    return zlib.crc32(prefix.encode("utf-8", "surrogatepass")) & mask


class PrefixDict:
    """jieba's FREQ (word or word prefix -> frequency, 0 for a bare prefix), read lazily.

    Supports what jieba does with FREQ: `in`, `[]`, `.get` and assignment (user words)."""

    __slots__ = ("_data", "_offsets", "_mask", "_buckets", "_by_prefix")

    def __init__(self, data, offsets, mask: int):
        self._data = data
        self._offsets = offsets
        self._mask = mask
        self._buckets: dict[int, dict] = {}
        self._by_prefix: dict[str, dict] = {}

    def _bucket(self, key: str) -> dict:
        prefix = key[:2]
        found = self._by_prefix.get(prefix)
        if found is None:
            n = _bucket_of(prefix, self._mask)
            found = self._buckets.get(n)
            if found is None:
                start, end = self._offsets[n], self._offsets[n + 1]
                found = self._buckets[n] = marshal.loads(self._data[start:end])
            self._by_prefix[prefix] = found
        return found

    def __contains__(self, key) -> bool:
        return key in self._bucket(key)

    def __getitem__(self, key):
        return self._bucket(key)[key]

    def get(self, key, default=None):
        return self._bucket(key).get(key, default)

    def __setitem__(self, key, value) -> None:
        self._bucket(key)[key] = value


def default_dict_path(jieba) -> Path:
    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _source_key(dict_path: Path, jieba) -> bytes:
    st = dict_path.stat()
    return f"{jieba.__version__}|{dict_path}|{st.st_size}|{st.st_mtime_ns}".encode()


def cache_path(key: bytes) -> Path | None:
    base = cache_dir()
    return base / f"jieba-prefix-{zlib.crc32(key):08x}.v{FORMAT}" if base else None


def build(dict_path: Path, jieba, key: bytes, path: Path, bits: int = BUCKET_BITS) -> tuple[dict, int]:
    """Write the bucketed prefix dictionary of `dict_path` (as jieba's gen_pfdict reads it)
    to `path`; return that dictionary and its total (also when writing fails)."""
    with open(dict_path, "rb") as handle:
        freq, total = jieba.Tokenizer.gen_pfdict(handle)
    try:
        write(freq, total, key, path, bits)
        prune(path)
    except OSError as exc:
        log.debug("cannot write %s: %s", path, exc)
    return freq, total


def prune(keep: Path) -> None:
    """Remove the cache files of other jieba dictionaries (an upgraded jieba leaves its old
    ~10 MB file behind) from `keep`'s folder."""
    for old in keep.parent.glob("jieba-prefix-*.v*"):
        if old != keep and not old.name.startswith(keep.name + "."):  # never a write in progress
            old.unlink(missing_ok=True)


def write(freq: dict, total: int, key: bytes, path: Path, bits: int = BUCKET_BITS) -> None:
    mask = (1 << bits) - 1
    buckets: list[dict] = [{} for _ in range(mask + 1)]
    for word, count in freq.items():
        buckets[_bucket_of(word[:2], mask)][word] = count
    blobs = [marshal.dumps(b) for b in buckets]
    head = MAGIC + _HEAD.pack(total, len(blobs), len(key)) + key
    start = len(head) + 8 * (len(blobs) + 1)
    offsets = [start]
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head)
            out.write(struct.pack(f"<{len(offsets)}Q", *offsets))
            out.writelines(blobs)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_prefix_dict(path: Path, key: bytes) -> tuple[PrefixDict, int] | None:
    """(the lazy FREQ, total) from a cache file built for `key`, or None if it is not one."""
    try:
        with open(path, "rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if data[: len(MAGIC)] != MAGIC:
            return None
        total, count, key_len = _HEAD.unpack_from(data, len(MAGIC))
        at = len(MAGIC) + _HEAD.size
        if data[at: at + key_len] != key or count & (count - 1):
            return None
        at += key_len
        offsets = struct.unpack_from(f"<{count + 1}Q", data, at)
        if offsets[-1] != len(data):  # a cut-short file
            return None
    except struct.error:
        return None
    return PrefixDict(data, offsets, count - 1), total


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def initialize(jieba=None) -> bool:
    """Start jieba's default tokenizer from the bucketed cache (built when missing); say
    whether it did. Does nothing once jieba is initialized or uses another dictionary."""
    jieba = jieba or import_jieba()
    dt = jieba.dt
    if dt.initialized or dt.dictionary is not None:
        return False
    with dt.lock:
        if dt.initialized:
            return False
        try:
            dict_path = default_dict_path(jieba)
            key = _source_key(dict_path, jieba)
            path = cache_path(key)
            if path is None:
                return False
            opened = open_prefix_dict(path, key)
            if opened is None:
                if not _writable(path.parent):
                    return False  # jieba's own start (its marshal cache) beats a rebuild each time
                freq, total = build(dict_path, jieba, key, path)
                opened = open_prefix_dict(path, key) or (freq, total)
        except Exception as exc:  # noqa: BLE001 - any trouble: jieba's own start instead
            log.debug("jieba prefix cache unavailable (%s); jieba starts its own way", exc)
            return False
        dt.FREQ, dt.total = opened
        dt.initialized = True
    return True
