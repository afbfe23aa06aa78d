"""OCR with rapidocr-onnxruntime: image-only or unreadable PDF pages, and pictures of tables.

The page is rendered with pypdfium2 at `settings.ocr.dpi` (scaled down to stay under the
image-pixel limit) and turned upright if it was scanned on its side or upside down; ruled
tables are found in the image first, the ruling lines are blanked, the whole page is
recognised once, and each text box goes into the table cell that holds it or into a text
line. `picture_tables` and `image_tables` do the same for a table pasted as a picture into
a PDF page or a Word file. Coordinates are returned in PDF points so the rest of the reader
treats OCR pages like text-layer pages. The Chinese models ship inside the rapidocr wheel;
the engine is loaded once per process, on first use.
"""
from __future__ import annotations

import ctypes
import io
import re
from functools import lru_cache

import numpy as np

from ..errors import LimitExceeded
from ..settings import Settings
from .ocr_grid import Grid, find_grids
from .ocr_orient import upright
from .pdf_items import PageItems, Segment, TableItem, group_lines, join_wrapped
from .pdf_tables import table_item


MAX_SIDE = 2000  # longest image side the detector sees: bounds its time and memory
WIDE = 4  # a crop this many times wider than high is a text line, recognised alone
MIN_SCORE = 0.5  # recogniser confidence below which a detected box is dropped


def _few_malloc_arenas() -> None:
    """Cap glibc's per-thread malloc arenas (64 MB of address space each) before the OCR
    threads start, so a worker's address-space limit measures memory actually used."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX = 2
    except OSError:  # not glibc
        pass


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine (models from the installed wheel, nothing downloaded)."""
    from rapidocr_onnxruntime import RapidOCR

    _few_malloc_arenas()
    # a narrow minimum width for the recogniser: table cells hold single digits, and the
    # default 320-pixel floor makes every "0" cost as much as a full line of text
    return RapidOCR(use_cls=False, print_verbose=False, rec_img_shape=[3, 48, 48], rec_batch_num=8)


def render(pdfium_page, dpi: int, max_pixels: int, box=None) -> tuple[np.ndarray, float]:
    """The page (or the part of it in `box`: x0, top, x1, bottom in points) as a BGR image,
    and the scale used (pixels per point)."""
    width, height = pdfium_page.get_size()
    x0, top, x1, bottom = box or (0.0, 0.0, width, height)
    w, h = x1 - x0, bottom - top
    scale = dpi / 72
    if w * h * scale * scale > max_pixels:
        scale = (max_pixels / (w * h)) ** 0.5
    if scale * 72 < 50:
        raise LimitExceeded(f"page of {w:.0f}x{h:.0f} points is too large to render for OCR")
    bitmap = pdfium_page.render(scale=scale, crop=(x0, height - bottom, width - x1, top))
    return bitmap.to_numpy()[:, :, :3].copy(), scale


def _read_crops(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence of each crop. Narrow crops (single cells) go through the
    recogniser in batches; wide ones (whole text lines) one at a time, since batching
    pads every line to the widest and costs several times more."""
    eng = engine()
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    narrow = [i for i, c in enumerate(crops) if c.shape[1] < WIDE * c.shape[0]]
    if narrow:
        for i, res in zip(narrow, eng.text_rec([crops[i] for i in narrow])[0]):
            out[i] = res[:2]
    for i, crop in enumerate(crops):
        if crop.shape[1] >= WIDE * crop.shape[0]:
            out[i] = eng.text_rec([crop])[0][0][:2]
    return out


def recognise(image: np.ndarray, scale: float) -> list[Segment]:
    """Text boxes recognised in `image`, in points: detection on the page scaled to at most
    MAX_SIDE pixels, recognition on crops of the full-resolution page."""
    import cv2

    eng = engine()
    f = min(1.0, MAX_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else image
    boxes, _ = eng.text_det(small)
    if boxes is None or not len(boxes):
        return []
    boxes = [np.asarray(b, dtype=np.float32) / f for b in eng.sorted_boxes(boxes)]
    out = []
    for quad, (text, score) in zip(boxes, _read_crops(eng.get_crop_img_list(image, boxes))):
        xs, ys = quad[:, 0], quad[:, 1]
        if text.strip() and score >= MIN_SCORE:
            out.append(Segment(text.strip(), float(xs.min()) / scale, float(xs.max()) / scale,
                               float(ys.min()) / scale, float(ys.max()) / scale))
    return out


_DIGIT_LOOKALIKES = str.maketrans("OoQDlI|", "0000111")


def fix_number(text: str) -> str:
    """A cell read as digits with look-alike letters ('o' for 0, 'l' for 1) made digits; a
    lone 一 is the dash printed for none."""
    if text == "一":
        return "—"
    if re.fullmatch(r"[\dOoQDlI|.,]+", text) and (re.search(r"\d", text) or len(text) <= 2):
        return text.translate(_DIGIT_LOOKALIKES)
    return text


def _center_in(seg: Segment, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (seg.x0 + seg.x1) / 2, (seg.top + seg.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _ink_crop(image: np.ndarray, cell: tuple[int, int, int, int]) -> np.ndarray | None:
    """The inked part of a cell (lines already blanked), padded, or None for a blank cell."""
    x0, top, x1, bottom = cell
    inner = image[top + 3:bottom - 3, x0 + 3:x1 - 3]
    if inner.size == 0:
        return None
    ys, xs = np.nonzero(inner.min(axis=2) < 128)
    if len(ys) < 12 or ys.max() - ys.min() < 6:
        return None
    pad = 6
    y0, y1 = max(0, ys.min() - pad), min(inner.shape[0], ys.max() + pad + 1)
    xa, xb = max(0, xs.min() - pad), min(inner.shape[1], xs.max() + pad + 1)
    return inner[y0:y1, xa:xb]


def _read_missed(image: np.ndarray, grid: Grid, texts: list[str]) -> None:
    """Recognise cells that hold ink but got no text box (detection misses small digits)."""
    todo = [(i, crop) for i, cell in enumerate(grid.cells) if not texts[i]
            for crop in [_ink_crop(image, cell)] if crop is not None]
    if not todo:
        return
    results = _read_crops([crop for _, crop in todo])
    for (i, crop), (text, score) in zip(todo, results):
        if score >= 0.3:
            texts[i] = text.strip()
        else:  # the recogniser gives up on a lone stroke: the / or — printed for none
            texts[i] = nil_mark(crop) or ""


def nil_mark(crop: np.ndarray) -> str | None:
    """A cell whose ink is one straight stroke: a slash leaning right ("/") or a flat dash
    ("—"), the marks tables print for none; else None."""
    import cv2

    ink = (crop.min(axis=2) < 128).astype(np.uint8)
    ys, xs = np.nonzero(ink)
    if len(ys) < 8 or cv2.connectedComponents(ink)[0] != 2:
        return None
    height, width = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    if height * 3 <= width:
        return "—"
    if height >= 1.5 * width and width * 4 >= height and np.corrcoef(xs, ys)[0, 1] < -0.8:
        return "/"
    return None


def _fill(grid: Grid, segments: list[Segment], image: np.ndarray, scale: float, page_width: float):
    """The grid's table item with each text box put into its cell; the boxes used."""
    boxes = [tuple(v / scale for v in cell) for cell in grid.cells]
    texts, used = [], set()
    for box in boxes:
        inside = [s for s in segments if _center_in(s, box)]
        used.update(id(s) for s in inside)
        texts.append(join_wrapped([ln.text for ln in group_lines(inside)]))
    _read_missed(image, grid, texts)
    texts = [fix_number(t) for t in texts]
    return table_item(boxes, texts, page_width, tol=3.0), used


def read_image(image: np.ndarray, scale: float, width: float) -> tuple[list[TableItem], list[Segment]]:
    """Given a page image, return its tables (grids rebuilt from rulings) and the text boxes
    outside them, in points (`width`: the page's, for the tables' column positions)."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    grids, mask = find_grids(gray, int(round(scale * 72)))
    image[mask > 0] = 255
    segments = recognise(image, scale)
    tables, used = [], set()
    for grid in grids:
        item, taken = _fill(grid, segments, image, scale, width)
        if item.table.n_cols >= 2 and item.table.n_rows >= 2:
            tables.append(item)
            used |= taken
    return tables, [s for s in segments if id(s) not in used]


def picture_tables(pdfium_page, boxes: list, settings: Settings) -> list[TableItem]:
    """Tables pasted into a text page as pictures (screenshots of a spreadsheet), read by
    OCR of just those parts of the page; a picture without a ruled grid gives nothing."""
    width, _ = pdfium_page.get_size()
    out = []
    for box in boxes:
        image, scale = render(pdfium_page, settings.ocr.dpi, settings.limits.max_image_pixels, box)
        tables, _ = read_image(image, scale, width)
        out += [moved(item, box[0], box[1], width) for item in tables]
    return out


TEXT_WIDTH_INCHES = 6.3  # a picture in a Word file is taken to span the page's text width


def image_tables(data: bytes, settings: Settings) -> list[TableItem]:
    """Tables in a picture file embedded in a document (a pasted spreadsheet screenshot):
    the image's size is checked against the pixel limit before it is decoded."""
    import cv2
    from PIL import Image

    try:
        width_px, height_px = Image.open(io.BytesIO(data)).size
    except Exception:  # noqa: BLE001 - not an image Pillow knows: nothing to read
        return []
    if width_px * height_px > settings.limits.max_image_pixels:
        raise LimitExceeded(f"image of {width_px}x{height_px} pixels is over the limit "
                            f"of {settings.limits.max_image_pixels}")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return []
    scale = max(width_px / (TEXT_WIDTH_INCHES * 72), 0.5)  # pixels per point
    tables, _ = read_image(image, scale, width_px / scale)
    return tables


def moved(item: TableItem, dx: float, dy: float, page_width: float) -> TableItem:
    """A table item found in a part of the page, placed where that part is."""
    return TableItem(item.table, top=item.top + dy, bottom=item.bottom + dy,
                     col_edges=[e + dx / page_width for e in item.col_edges],
                     x0=item.x0 + dx, x1=item.x1 + dx)


def ocr_page(pdfium_page, number: int, settings: Settings) -> PageItems:
    """One page read by OCR: its tables (grids rebuilt from rulings) and text lines."""
    image, scale = render(pdfium_page, settings.ocr.dpi, settings.limits.max_image_pixels)
    image = upright(engine(), image)  # a page scanned on its side is turned first
    width, height = image.shape[1] / scale, image.shape[0] / scale
    tables, rest = read_image(image, scale, width)
    lines = group_lines(rest)
    return PageItems(number, width, height, lines=lines, tables=tables, ocr=True)
