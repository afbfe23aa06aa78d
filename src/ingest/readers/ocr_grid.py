"""Ruled tables in a page image: ruling lines found by morphology, cells as the enclosed areas.

Given a grayscale page image, `find_grids` returns each table's box and its cell boxes (in
pixels) and a mask of the ruling lines, so the lines can be blanked before OCR and the text
boxes put into the cells afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PixBox = tuple[int, int, int, int]  # x0, top, x1, bottom


@dataclass
class Grid:
    box: PixBox
    cells: list[PixBox]


def ruling_mask(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Long thin horizontal and vertical strokes (table rulings) as a binary mask."""
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h_len, v_len = max(10, int(dpi * 0.4)), max(10, int(dpi * 0.16))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    mask = cv2.bitwise_or(horiz, vert)
    return cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def _cells(mask: np.ndarray, box: PixBox, min_side: int) -> list[PixBox]:
    x0, top, x1, bottom = box
    region = cv2.bitwise_not(mask[top:bottom, x0:x1])
    n, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=4)
    cells = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        touches = x == 0 or y == 0 or x + w == region.shape[1] or y + h == region.shape[0]
        if touches or w < min_side or h < min_side or area < 0.6 * w * h:
            continue
        cells.append((x0 + x - 2, top + y - 2, x0 + x + w + 2, top + y + h + 2))
    return cells


def find_grids(gray: np.ndarray, dpi: int) -> tuple[list[Grid], np.ndarray]:
    """Ruled tables in the image (with two or more cells) and the mask of their rulings."""
    mask = ruling_mask(gray, dpi)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    grids, keep = [], np.zeros(n, dtype=bool)
    min_side = max(6, dpi // 20)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < gray.shape[1] * 0.15 or h < dpi * 0.2:
            continue
        box = (int(x), int(y), int(x + w), int(y + h))
        cells = _cells(mask, box, min_side)
        if len(cells) >= 2:
            grids.append(Grid(box, cells))
            keep[i] = True
    return grids, (keep[labels] * 255).astype(np.uint8)
