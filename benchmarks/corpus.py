"""The benchmark's files: a generated corpus (all formats, few scans) and a long PDF.

    generate(folder, n, scans, seed) -> list of document paths
    long_pdf(pdfs, pages, out)       -> one PDF of at least `pages` pages, made by appending
                                        the given born-digital PDFs' pages (pypdfium2)
"""
from __future__ import annotations

import subprocess
import sys
from itertools import cycle
from pathlib import Path

FORMATS = "pdf,html,docx,txt"


def _generate(out: Path, n: int, formats: str, seed: int) -> list[Path]:
    subprocess.run([sys.executable, "-m", "ingest.cli.main", "corpus", "generate", "--n", str(n),
                    "--out", str(out), "--formats", formats, "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sorted(p for p in (out / "docs").iterdir() if p.is_file())


def generate(folder: Path, n: int, scans: int, seed: int) -> list[Path]:
    """n reports spread over pdf/html/docx/txt, plus `scans` scanned PDFs."""
    files = _generate(folder / "digital", n, FORMATS, seed)
    if scans:
        files += _generate(folder / "scans", scans, "scan", seed + 1)
    return files


def long_pdf(pdfs: list[Path], pages: int, out: Path) -> Path:
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    for path in cycle(pdfs):
        if len(merged) >= pages:
            break
        source = pdfium.PdfDocument(path)
        merged.import_pages(source)
        source.close()
    merged.save(out)
    merged.close()
    return out
