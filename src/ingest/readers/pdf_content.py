"""A PDF page's raw content: characters, ruling edges and pictures, in one shape.

`pdfium_content` reads it through pypdfium2 (C++, ~10 ms a page) and `plumber_content`
through pdfplumber (pdfminer, pure Python, ~110 ms a page). Both give characters and edges
as pdfplumber-style dicts (top-left origin, points), so everything after this step —
tables (edges → intersections → cells → tables) and text lines — is the same code whichever
source read the page. The reader uses pdfium first and pdfplumber where pdfium's text is
unreadable. Only paths that show give edges (a white fill behind a text frame's lines is no
rule), and a character's size is the size it is printed at (its font size times its text
matrix's scale), whatever font size and matrix the producer chose.
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

Obj = dict  # a pdfplumber-style char or edge
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points


@dataclass(frozen=True)
class Picture:
    """An image drawn on the page: its size in pixels and where it is shown."""

    pixels: tuple[int, int]
    box: Box

    @property
    def area(self) -> float:
        return max(0.0, self.box[2] - self.box[0]) * max(0.0, self.box[3] - self.box[1])


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Obj] = field(default_factory=list)
    edges: list[Obj] = field(default_factory=list)
    images: list[Picture] = field(default_factory=list)
    path_points: int = 0  # points of every path drawn (text turned into outlines has many)

    @property
    def raw_text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def _lightness(r: float, g: float, b: float, alpha: float = 1.0) -> float:
    """How close a fill comes to the white page: 0 black, 1 white or fully transparent."""
    return 1 - alpha * (1 - (0.299 * r + 0.587 * g + 0.114 * b))


UNSEEN = 0.97  # lightness above which a path's paint does not show on the white page


def _colour_lightness(color) -> float:
    """The lightness of a pdfminer colour value: grey, RGB or CMYK (0 black when unknown)."""
    values = tuple(color) if isinstance(color, (list, tuple)) else (color,) if color is not None else ()
    if len(values) == 1 and isinstance(values[0], (int, float)):
        return float(values[0])
    if len(values) == 3 and all(isinstance(v, (int, float)) for v in values):
        return _lightness(*values)
    if len(values) == 4 and all(isinstance(v, (int, float)) for v in values):
        c, m, y, k = values
        return _lightness((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return 0.0  # no colour, or a pattern


def _plumber_visible(edge: Obj) -> bool:
    """Whether a pdfplumber edge's path shows: stroked, or filled, in a colour darker than
    the page. Word and WPS lay white-filled boxes behind every line of a text frame; their
    sides are not rules."""
    return bool((edge.get("stroke", True) and _colour_lightness(edge.get("stroking_color")) <= UNSEEN)
                or (edge.get("fill") and _colour_lightness(edge.get("non_stroking_color")) <= UNSEEN))


# ---- pdfplumber ----

def _plumber_char(char: Obj) -> Obj:
    """A pdfplumber char with the angle and lightness the pdfium chars carry."""
    a, b = char.get("matrix", (1, 0))[:2]
    return {**char, "angle": math.degrees(math.atan2(b, a)) % 360,
            "lightness": _colour_lightness(char.get("non_stroking_color"))}


def plumber_content(page, number: int) -> PageContent:
    """The page as pdfplumber (pdfminer) reads it."""
    images = [Picture(tuple(int(v) for v in im.get("srcsize", (0, 0))),
                      (float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])))
              for im in page.images]
    points = 2 * len(page.lines) + 4 * len(page.rects) + sum(len(c["pts"]) for c in page.curves)
    return PageContent(number, float(page.width), float(page.height),
                       chars=[_plumber_char(c) for c in page.chars],
                       edges=[e for e in page.edges if _plumber_visible(e)], images=images,
                       path_points=points)


# ---- pypdfium2 ----

def _chars(page, origin: tuple[float, float]) -> list[Obj]:
    """Every character pdfium reads on the page, except the spaces and breaks it invents.

    pdfium computes in float32: values are rounded so that a gap equal to a tolerance
    compares as it does in pdfminer's doubles."""
    import pypdfium2.raw as c

    textpage = page.get_textpage()
    raw, rect, matrix, out = textpage.raw, c.FS_RECTF(), c.FS_MATRIX(), []
    rgba = [ctypes.c_uint() for _ in range(4)]
    ox, oy = ctypes.c_double(), ctypes.c_double()
    left0, top0 = origin
    try:
        for i in range(textpage.count_chars()):
            text = chr(c.FPDFText_GetUnicode(raw, i))
            if text in _SKIP or (text.isspace() and c.FPDFText_IsGenerated(raw, i)):
                continue
            c.FPDFText_GetLooseCharBox(raw, i, rect)
            # the nominal size times the text matrix's scale (a WPS export sets 259 pt
            # fonts under a 0.05 matrix): the size the character is printed at
            nominal, across, along = c.FPDFText_GetFontSize(raw, i), 1.0, 1.0
            if c.FPDFText_GetMatrix(raw, i, matrix):
                across, along = math.hypot(matrix.c, matrix.d) or 1.0, math.hypot(matrix.a, matrix.b) or 1.0
            size = round(nominal * across, 3)
            angle = math.degrees(c.FPDFText_GetCharAngle(raw, i)) % 360
            upright = angle < 0.5 or angle > 359.5
            right = rect.right
            if upright:  # pdfium sizes some scaled characters' boxes by the unscaled font
                right = min(right, rect.left + WIDEST * nominal * along)
            x0, x1 = round(rect.left - left0, 3), round(right - left0, 3)
            if upright and c.FPDFText_GetCharOrigin(raw, i, ox, oy):
                # from the baseline, not the font's own descent: 仿宋 and Times New Roman
                # digits on one title line then share a line whatever their fonts' metrics
                low = round(top0 - oy.value + DESCENT * size, 3)
            else:
                low = round(top0 - rect.bottom, 3)
            lightness = (_lightness(*(v.value / 255 for v in rgba))
                         if c.FPDFText_GetFillColor(raw, i, *rgba) else 0.0)
            # pdfminer's box: one font size tall, standing just below the baseline
            out.append({"object_type": "char", "text": text, "x0": x0, "x1": x1, "top": low - size,
                        "bottom": low, "doctop": low - size, "width": x1 - x0, "height": size,
                        "size": size, "upright": upright, "angle": angle,
                        "lightness": lightness})
    finally:
        textpage.close()
    return out


WIDEST = 1.5  # of the font size: no character box is wider
DESCENT = 0.14  # of the font size below the baseline: where a character box stands (pdfminer's y0)
_SKIP = frozenset("\r\n\x00\ufffe\uffff")


def _matrix(raw_obj):
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    m = c.FS_MATRIX()
    if not c.FPDFPageObj_GetMatrix(raw_obj, m):
        return pdfium.PdfMatrix()
    return pdfium.PdfMatrix.from_raw(m)


def _subpaths(raw_obj, matrix) -> list[list[tuple[float, float]]]:
    """The path's straight-line subpaths as point lists in page space (PDF origin)."""
    import pypdfium2.raw as c

    out: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(c.FPDFPath_CountSegments(raw_obj)):
        seg = c.FPDFPath_GetPathSegment(raw_obj, k)
        kind = c.FPDFPathSegment_GetType(seg)
        c.FPDFPathSegment_GetPoint(seg, x, y)
        point = matrix.on_point(x.value, y.value)
        if kind == c.FPDF_SEGMENT_MOVETO or not out or kind != c.FPDF_SEGMENT_LINETO:
            out.append([point])  # a curve breaks the straight run, as in pdfminer's edges
        else:
            out[-1].append(point)
        if c.FPDFPathSegment_GetClose(seg) and len(out[-1]) > 2 and out[-1][-1] != out[-1][0]:
            out[-1].append(out[-1][0])
    return out


def _edge(p0, p1, origin: tuple[float, float]) -> Obj | None:
    (xa, ya), (xb, yb) = p0, p1
    x0, x1 = round(min(xa, xb) - origin[0], 3), round(max(xa, xb) - origin[0], 3)
    top, bottom = round(origin[1] - max(ya, yb), 3), round(origin[1] - min(ya, yb), 3)
    if abs(x1 - x0) < 0.01 and abs(bottom - top) < 0.01:
        return None
    if abs(x1 - x0) < 0.01:
        orientation = "v"
    elif abs(bottom - top) < 0.01:
        orientation = "h"
    else:
        return None
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def _walk(page, form=None, parent=None):
    """(raw object, type, matrix to page space) for every object, descending into forms."""
    import pypdfium2.raw as c

    count, get = ((c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject) if form
                  else (c.FPDFPage_CountObjects, c.FPDFPage_GetObject))
    holder = form if form else page.raw
    for i in range(count(holder)):
        raw_obj = get(holder, i)
        kind = c.FPDFPageObj_GetType(raw_obj)
        matrix = _matrix(raw_obj)
        if parent is not None:
            matrix = matrix.multiply(parent)
        yield raw_obj, kind, matrix
        if kind == c.FPDF_PAGEOBJ_FORM:
            yield from _walk(page, raw_obj, matrix)


def _pdfium_visible(raw_obj) -> bool:
    """Whether a path shows: stroked, or filled, in a colour darker than the page (see
    `_plumber_visible`)."""
    import pypdfium2.raw as c

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not c.FPDFPath_GetDrawMode(raw_obj, fill, stroke):
        return True
    rgba = [ctypes.c_uint() for _ in range(4)]

    def shows(get_colour) -> bool:
        if not get_colour(raw_obj, *rgba):
            return True
        return _lightness(*(v.value / 255 for v in rgba)) <= UNSEEN

    return bool((stroke.value and shows(c.FPDFPageObj_GetStrokeColor))
                or (fill.value and shows(c.FPDFPageObj_GetFillColor)))


def _picture(raw_obj, matrix, origin: tuple[float, float]) -> Picture:
    """An image object: its pixel size, and the unit square its matrix maps onto the page."""
    import pypdfium2.raw as c

    w, h = ctypes.c_uint(), ctypes.c_uint()
    pixels = (int(w.value), int(h.value)) if c.FPDFImageObj_GetImagePixelSize(raw_obj, w, h) else (0, 0)
    left, bottom, right, top = matrix.on_rect(0, 0, 1, 1)
    return Picture(pixels, (left - origin[0], origin[1] - top, right - origin[0], origin[1] - bottom))


def pdfium_content(page, number: int) -> PageContent:
    """The page as pypdfium2 reads it: characters, straight path edges, image sizes."""
    import pypdfium2.raw as c

    left, bottom, right, top = page.get_cropbox()
    origin = (left, top)  # PDF user space -> top-left origin within the crop box
    edges, images, path_points = [], [], 0
    for raw_obj, kind, matrix in _walk(page):
        if kind == c.FPDF_PAGEOBJ_PATH:
            visible = _pdfium_visible(raw_obj)
            for points in _subpaths(raw_obj, matrix):
                path_points += len(points)
                if visible:
                    edges += [e for p0, p1 in zip(points, points[1:]) if (e := _edge(p0, p1, origin))]
        elif kind == c.FPDF_PAGEOBJ_IMAGE:
            images.append(_picture(raw_obj, matrix, origin))
    return PageContent(number, right - left, top - bottom, chars=_chars(page, origin),
                       edges=edges, images=images, path_points=path_points)
