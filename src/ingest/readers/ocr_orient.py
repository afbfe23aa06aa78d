"""Which way up a scanned page lies: given the page image, return it turned upright.

Printed lines are much wider than high, so when the detector, run on a small copy of the
page, finds mostly tall boxes, the page was scanned on its side. Which quarter turn puts it
upright is decided by the recogniser's confidence on the longest lines read both ways; a
page with wide boxes is turned half round only if its lines read clearly better that way.
"""
from __future__ import annotations

import numpy as np

PROBE_SIDE = 960  # longest side of the copy the detector looks at
TALL = 1.5  # a box this many times higher than wide is a line standing on its end
MIN_BOXES = 4  # fewer text boxes than this: leave the page as it is
PROBE_LINES = 6  # lines read in each candidate orientation
PROBE_CHARS = 6  # of each line, about this many characters' width (height units)
HALF_TURN_MARGIN = 0.1  # how much surer the recogniser must be of a page read upside down


def _sizes(boxes) -> list[tuple[float, float]]:
    """(width, height) of each detected quadrilateral."""
    out = []
    for quad in boxes:
        q = np.asarray(quad, dtype=np.float32)
        out.append((float(np.linalg.norm(q[1] - q[0])), float(np.linalg.norm(q[3] - q[0]))))
    return out


def _confidence(eng, image: np.ndarray) -> float:
    """Mean recogniser confidence over the longest lines the detector finds in `image`."""
    boxes, _ = eng.text_det(image)
    if boxes is None or not len(boxes):
        return 0.0
    longest = sorted(boxes, key=lambda q: -_sizes([q])[0][0])[:PROBE_LINES]
    results = eng.text_rec(eng.get_crop_img_list(image, np.asarray(longest)))[0]
    return float(np.mean([score for _, score, *_ in results])) if results else 0.0


def _upside_down(eng, image: np.ndarray, boxes) -> bool:
    """Whether the longest lines read clearly better turned half round (a page fed upside
    down): the same crops, read both ways, no second detection."""
    longest = sorted(boxes, key=lambda q: -_sizes([q])[0][0])[:PROBE_LINES]
    # a few characters of each line tell which way up it is; whole lines cost ~1 s to read
    crops = [c[:, : PROBE_CHARS * c.shape[0]] for c in eng.get_crop_img_list(image, np.asarray(longest))]
    upright = [score for _, score, *_ in eng.text_rec(crops)[0]]
    turned = [score for _, score, *_ in eng.text_rec([np.ascontiguousarray(np.rot90(c, 2)) for c in crops])[0]]
    return bool(upright) and float(np.mean(turned)) > float(np.mean(upright)) + HALF_TURN_MARGIN


def quarter_turns(eng, image: np.ndarray) -> int:
    """How many quarter turns counter-clockwise (np.rot90) put the page upright: 0-3."""
    import cv2

    f = min(1.0, PROBE_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else image
    boxes, _ = eng.text_det(small)
    if boxes is None or len(boxes) < MIN_BOXES:
        return 0
    sizes = _sizes(boxes)
    if sum(h > TALL * w for w, h in sizes) <= len(sizes) / 2:
        return 2 if _upside_down(eng, small, boxes) else 0
    return max((1, 3), key=lambda k: _confidence(eng, np.ascontiguousarray(np.rot90(small, k))))


def upright(eng, image: np.ndarray) -> np.ndarray:
    """The page image, turned so that its lines run left to right."""
    k = quarter_turns(eng, image)
    return np.ascontiguousarray(np.rot90(image, k)) if k else image
