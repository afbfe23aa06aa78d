"""Image-only "scan" PDFs for the OCR path: render the text PDF's pages to images, add a slight
tilt and speckle, and wrap them into a PDF with no text layer."""
from __future__ import annotations

import random
import time
from io import BytesIO

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from .model import ReportSpec
from .render_pdf import render as render_pdf


def degrade(image: Image.Image, rng: random.Random) -> Image.Image:
    """A grey page with a small rotation, paper noise and a little blur of ink."""
    grey = image.convert("L").rotate(rng.uniform(-0.8, 0.8), resample=Image.BILINEAR, fillcolor=255)
    pixels = np.asarray(grey, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(2**32)).integers(-14, 15, pixels.shape, dtype=np.int16)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def pdf_to_scan(pdf: bytes, rng: random.Random, dpi: int = 150) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [degrade(page.render(scale=dpi / 72).to_pil(), rng) for page in doc]
    finally:
        doc.close()
    buf = BytesIO()
    fixed = time.gmtime(946684800)  # 2000-01-01: the same bytes on every run
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=70,
                  creationDate=fixed, modDate=fixed)
    return buf.getvalue()


def render(spec: ReportSpec) -> bytes:
    rng = random.Random(spec.name)
    return pdf_to_scan(render_pdf(spec), rng, dpi=rng.choice((150, 150, 200)))
