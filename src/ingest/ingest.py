"""Documents into the store: parse in worker processes, save in this one.

    ingest_paths(paths, store, jobs)   local files and folders
    ingest_bytes(items, store, jobs)   (uri, bytes) pairs, e.g. fetched by the crawler

Both skip bytes already parsed by this parser version, parse the rest with
`ingest.pipeline.parse_bytes` in a pool of `jobs` processes (created only when something
needs parsing, then kept warm), save every outcome with `store.save_document`, and return a `Summary`.
One bad document never stops the batch: it is saved with status failed and its reason.
The `Ingestor` underneath is what the crawler uses to parse while it keeps fetching.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import PARSER_VERSION

# media types read through LibreOffice (readers/office.py): without it on the machine they
# are recorded as skipped, with this reason
LEGACY_TYPES = {
    "application/msword": "legacy Word 97-2003 (.doc) file: needs LibreOffice (soffice) to "
                          "convert it, not installed here",
    "application/vnd.ms-works": "WPS/Works binary file: needs LibreOffice (soffice) to "
                                "convert it, not installed here",
}


KNOWN_STATUSES = ("ok", "not_report", "duplicate", "failed")  # parsing these bytes again is moot


@dataclass
class Parsed:
    """What a worker returns for one document: a record, or a status and reason."""

    status: str                 # ok | not_report | failed | skipped
    reason: str | None = None
    record: object | None = None  # ingest.record.Record when status is ok
    media_type: str | None = None
    segments: dict | None = None  # its search texts segmented, when asked for (for the store)


@dataclass
class Outcome:
    """One document's result after storing."""

    uri: str
    sha256: str | None
    status: str                 # ok | not_report | failed | skipped | duplicate | unchanged
    reason: str | None = None
    document_id: int | None = None
    media_type: str | None = None
    parsed: bool = False        # False when nothing had to be parsed


@dataclass
class Summary:
    """Counts of outcomes by status, the parse count and every failure with its reason."""

    counts: Counter = field(default_factory=Counter)
    parsed: int = 0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (uri, status, reason)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.parsed += outcome.parsed
        if outcome.status in ("failed", "skipped", "not_report") and outcome.reason:
            self.problems.append((outcome.uri, outcome.status, outcome.reason))

    def merge(self, other: "Summary") -> None:
        self.counts.update(other.counts)
        self.parsed += other.parsed
        self.problems.extend(other.problems)

    def as_dict(self) -> dict:
        return {"counts": dict(self.counts), "parsed": self.parsed,
                "problems": [{"uri": u, "status": s, "reason": r} for u, s, r in self.problems]}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_of_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def parse_document(uri: str, data: bytes | None = None, path: str | None = None,
                   segments: bool = False) -> Parsed:
    """Given a document's bytes (or a path to read them from), return what parsing found
    (`segments`: with the record's search texts segmented, for the store to write). Runs
    inside a worker process; never raises for a bad document."""
    from .errors import IngestError, InvalidInput, NotAReport
    from .limits import deadline
    from .pipeline import parse_bytes
    from .readers import check_declared, sniff
    from .settings import load_settings

    settings = load_settings()
    media_type = None
    try:
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
        if not data:
            raise InvalidInput("empty file")
        media_type = sniff(data, uri)
        if path is not None:  # a local file named .pdf must be a PDF (fetched bytes: see crawl)
            check_declared(media_type, uri)
        if media_type in LEGACY_TYPES and not _has_reader(media_type):
            return Parsed("skipped", LEGACY_TYPES[media_type], media_type=media_type)
        with deadline(settings.limits.max_seconds):
            record = parse_bytes(data, uri, settings, media_type=media_type)
            index = None
            if segments:
                from .search.index import record_segments

                index = record_segments(record)
        return Parsed("ok", record=record, media_type=media_type, segments=index)
    except NotAReport as exc:
        return Parsed("not_report", str(exc), media_type=media_type)
    except IngestError as exc:
        return Parsed("failed", str(exc), media_type=media_type)
    except MemoryError:
        return Parsed("failed", "out of memory while parsing", media_type=media_type)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the batch
        return Parsed("failed", f"internal error: {type(exc).__name__}: {exc}".splitlines()[0],
                      media_type=media_type)


def _has_reader(media_type: str) -> bool:
    from .readers import READERS
    from .readers.office import soffice

    return media_type in READERS and (media_type not in LEGACY_TYPES or soffice() is not None)


def _worker_init() -> None:
    from .limits import cap_memory
    from .settings import load_settings

    cap_memory(load_settings().limits.max_memory_mb)


def warm_up() -> None:
    """Load what parsing needs (the readers, the statement and theme models, the domain
    dictionary) in this process, so that its first report parses at full speed."""
    from . import limits, pipeline  # noqa: F401 - imported for their modules' sake
    from .readers import pdf  # noqa: F401
    from .search.segment import tokenizer
    from .statements.nlp import themes_pipeline, type_pipeline

    type_pipeline()
    themes_pipeline()
    tokenizer()


# (uri, data, path) -> a future whose .result() is a `Parsed` (a pool's or a task runner's)
Submit = Callable[[str, "bytes | None", "str | None"], object]

_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def parse_pool(jobs: int) -> ProcessPoolExecutor:
    """This process's pool of `jobs` parse workers: started on first use, each worker
    loading the models at once (`warm_up`), then kept warm for later batches; a broken pool
    (a worker killed) is replaced."""
    with _POOLS_LOCK:
        pool = _POOLS.get(jobs)
        if pool is None or getattr(pool, "_broken", False):
            pool = _POOLS[jobs] = ProcessPoolExecutor(
                max_workers=jobs, initializer=_worker_init,
                mp_context=multiprocessing.get_context("spawn"))
            for _ in range(jobs):
                pool.submit(warm_up)
        return pool


class Ingestor:
    """Parses in the process's pool of `jobs` workers and saves outcomes in the store."""

    def __init__(self, store, jobs: int = 2, submit: Submit | None = None):
        self.store = store
        self.jobs = max(1, jobs)
        self._submit = submit
        self._known: set[str] | None = None  # hashes stored by this parser version

    def __enter__(self) -> "Ingestor":
        return self

    def __exit__(self, *_exc) -> None:
        pass  # the pool stays warm for the next batch; it ends with the process

    def submit(self, uri: str, data: bytes | None = None, path: str | None = None) -> Future:
        """Parse in a worker (or through `submit`, e.g. a Prefect task runner); the future
        yields a `Parsed`."""
        if self._submit is not None:
            return self._submit(uri, data, path)
        return parse_pool(self.jobs).submit(parse_document, uri, data, path, segments=True)

    def warm(self) -> None:
        """Start the workers now, so that they load their models while the caller does other
        things (a crawl fetches the first new reports); a no-op through a custom `submit`."""
        if self._submit is None:
            parse_pool(self.jobs)

    def already_parsed(self, sha256: str) -> bool:
        """True when these bytes are stored with an outcome of this parser version (a
        failure included: the same parser would fail the same way again). The stored hashes
        are read once; what this Ingestor saves is added."""
        if self._known is None:
            self._known = self.store.parsed_hashes(PARSER_VERSION)
        return sha256 in self._known

    def save(self, uri: str, sha256: str, parsed: Parsed) -> Outcome:
        """Store one parse outcome (every status, with its reason); return the Outcome."""
        return self.save_many([(uri, sha256, parsed)])[0]

    def save_many(self, items: list[tuple[str, str, Parsed]]) -> list[Outcome]:
        """Store (uri, sha256, parsed) outcomes in one transaction; return one Outcome each."""
        records = [p.record if p.status == "ok" else None for _u, _s, p in items]
        saved = self.store.save_many([
            dict(uri=uri, sha256=sha, media_type=p.media_type, status=p.status, reason=p.reason,
                 record=record, parser_version=PARSER_VERSION, segments=p.segments)
            for (uri, sha, p), record in zip(items, records)])
        if self._known is not None:
            self._known.update(sha for (_u, sha, _p), s in zip(items, saved)
                               if s.status in KNOWN_STATUSES)
        # the store may have found the same report already in (store/same_report.py)
        return [Outcome(uri, sha, *((s.status, s.reason) if record is not None
                                    else (p.status, p.reason)), s.id, p.media_type, parsed=True)
                for (uri, sha, p), record, s in zip(items, records, saved)]

    def add_source(self, uri: str, sha256: str) -> int:
        """Record `uri` as another place the already stored bytes `sha256` were seen."""
        return self.store.save_document(uri=uri, sha256=sha256, media_type=None,
                                        status="duplicate", reason=None, record=None,
                                        parser_version=PARSER_VERSION)

    def result(self, future: Future, uri: str, sha256: str) -> Outcome:
        """Wait for a submitted parse and store it. A crashed worker (e.g. killed for
        memory) fails this run only: nothing is stored, so the next run tries again."""
        return self.results([(uri, sha256, future)])[0]

    def results(self, pending: list[tuple[str, str, Future]]) -> list[Outcome]:
        """`result` for many submitted parses, the parsed ones stored in one transaction."""
        outcomes: list[Outcome | None] = []
        parsed: list[tuple[str, str, Parsed]] = []
        for uri, sha256, future in pending:
            try:
                parsed.append((uri, sha256, future.result()))
                outcomes.append(None)
            except Exception as exc:  # noqa: BLE001
                outcomes.append(Outcome(uri, sha256, "failed",
                                        f"parse worker failed: {type(exc).__name__}"))
        stored = iter(self.save_many(parsed))
        return [outcome or next(stored) for outcome in outcomes]


SAVE_BATCH = 20  # parsed documents stored per transaction by ingest_paths / ingest_bytes


DOCUMENT_SUFFIXES = {".pdf", ".html", ".htm", ".shtml", ".docx", ".txt", ".md", ".doc", ".wps"}


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given, and every document file under each folder (sorted)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        else:
            files.append(path)
    return files


def _run(jobs: list[tuple[str, str, bytes | None, str | None]], store, workers: int,
         on_done: Callable[[Outcome], None] | None, submit: Submit | None = None) -> Summary:
    """(uri, sha256, data, path) jobs: skip the parsed, parse the rest, store everything."""
    summary = Summary()

    def done(outcome: Outcome) -> None:
        summary.add(outcome)
        if on_done:
            on_done(outcome)

    with Ingestor(store, workers, submit) as ingestor:
        pending, repeats, first = [], [], {}
        for uri, sha, data, path in jobs:
            if sha in first:
                repeats.append((uri, sha))
            elif ingestor.already_parsed(sha):
                done(Outcome(uri, sha, "unchanged", None, ingestor.add_source(uri, sha)))
            else:
                first[sha] = uri
                pending.append((uri, sha, ingestor.submit(uri, data, path)))
        for start in range(0, len(pending), SAVE_BATCH):
            for outcome in ingestor.results(pending[start:start + SAVE_BATCH]):
                done(outcome)
        for uri, sha in repeats:  # the same bytes twice in one batch: one document
            done(Outcome(uri, sha, "duplicate", f"same content as {first[sha]}",
                         ingestor.add_source(uri, sha)))
    return summary


def ingest_paths(paths: Iterable[Path | str], store, jobs: int = 2,
                 on_done: Callable[[Outcome], None] | None = None,
                 submit: Submit | None = None) -> Summary:
    """Ingest local files and folders; the URI of each document is its absolute path.
    Parsing goes to this process's pool, or through `submit` when given."""
    work = []
    summary = Summary()
    for path in expand_paths(paths):
        uri = str(path.resolve())
        try:
            sha = sha256_of_file(path)
        except OSError as exc:
            outcome = Outcome(uri, None, "failed", f"cannot read {path}: {exc.strerror or exc}")
            summary.add(outcome)
            if on_done:
                on_done(outcome)
            continue
        work.append((uri, sha, None, str(path)))
    summary.merge(_run(work, store, jobs, on_done, submit))
    return summary


def ingest_bytes(items: Iterable[tuple[str, bytes]], store, jobs: int = 2,
                 on_done: Callable[[Outcome], None] | None = None) -> Summary:
    """Ingest (uri, bytes) pairs."""
    work = [(uri, sha256_of(data), data, None) for uri, data in items]
    return _run(work, store, jobs, on_done)
