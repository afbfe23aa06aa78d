"""Legacy office reader: Word 97-2003 (.doc) and WPS binary files -> DOCX -> Layout.

No maintained Python library reads these binary formats, so LibreOffice (Debian's
`libreoffice-writer-nogui`, run headless) converts the bytes to DOCX in a private temporary
folder, and the DOCX reader does the rest (tables keep their merged cells). Each conversion
runs in its own LibreOffice profile, so parallel workers never share one, and is bounded
by the document's time limit. Without LibreOffice on the machine these files are
recorded as skipped with a reason (see `ingest.ingest`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ..errors import InvalidInput, LimitExceeded
from ..layout import Layout
from ..settings import Settings
from .docx import read_docx


@lru_cache(maxsize=1)
def soffice() -> str | None:
    """The LibreOffice command on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str, timeout: float) -> bytes:
    """The document converted by LibreOffice to DOCX bytes."""
    command = soffice()
    if command is None:
        raise InvalidInput(f"{suffix} files need LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="ingest-office-") as tmp:
        source = Path(tmp) / f"document{suffix}"
        source.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        try:
            done = subprocess.run(
                [command, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(source)],
                capture_output=True, timeout=timeout, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise LimitExceeded(f"converting the {suffix} file took over {timeout:g}s") from None
        target = source.with_suffix(".docx")
        if done.returncode != 0 or not target.is_file() or not target.stat().st_size:
            raise InvalidInput(f"corrupt {suffix} file: LibreOffice could not convert it")
        return target.read_bytes()


def read_legacy(data: bytes, settings: Settings) -> Layout:
    """A .doc or WPS file (LibreOffice tells the two apart by their bytes)."""
    return read_docx(to_docx(data, ".doc", settings.limits.max_seconds), settings)
