"""The sign-off page's geometry and the names a signature carries, shared by sign and verify.

The report's last page (templates/_signoff.html.j2) draws one box per sign-off role at a fixed
place (report.css: `.signoff-box-N`); `esj-review sign` puts box N's signature field over the
part of the box below its role label. The numbers here are the style sheet's, in millimetres
from the top left of the sign-off section, which starts at the top of the page area (the page
margin) and, in x, after the body's default 6 pt margin.
"""

from __future__ import annotations

import re

from esj_review.core.review import Review, role_key

MM = 72 / 25.4  # points in a millimetre
ORIGIN_LEFT_PT = 0.75 * 72 + 6  # page.css left margin (0.75 in) + the body's 6 pt margin
ORIGIN_TOP_PT = 0.85 * 72  # page.css top margin (0.85 in)
COLUMNS = 2
COLUMN_STEP_MM = 92.0
ROW_STEP_MM = 50.0
FIRST_TOP_MM = 40.0
BOX_WIDTH_MM = 85.8
BOX_HEIGHT_MM = 44.0
LABEL_MM = 8.0  # the role label at the top of each box; the signature goes below it
INSET_MM = 1.0

FIELD_PREFIX = "SignOff"
"""Box N's signature field is `SignOff<N>` (from 1): a field name may hold no full stop."""
REASON_PREFIX = "Sign-off as "
"""A signature's /Reason is `Sign-off as ROLE`: inside the signed bytes, so the role cannot be
changed without breaking the signature."""

_FIELD = re.compile(rf"{FIELD_PREFIX}(\d+)")


def box_offset_mm(index: int) -> tuple[float, float]:
    """Box `index`'s (from 0) left and top, in millimetres from the section's top left."""
    row, column = divmod(index, COLUMNS)
    return column * COLUMN_STEP_MM, FIRST_TOP_MM + row * ROW_STEP_MM


def box_outline(index: int, page_height: float) -> tuple[float, float, float, float]:
    """Box `index`'s outline on the page, in PDF points (x1, y1, x2, y2, from bottom left)."""
    left, top = box_offset_mm(index)
    x1 = ORIGIN_LEFT_PT + left * MM
    y2 = page_height - ORIGIN_TOP_PT - top * MM
    return x1, y2 - BOX_HEIGHT_MM * MM, x1 + BOX_WIDTH_MM * MM, y2


def signature_rect(index: int, page_height: float) -> tuple[int, int, int, int]:
    """Where box `index`'s signature is drawn: the box below its label, inset a little."""
    x1, y1, x2, y2 = box_outline(index, page_height)
    inset = INSET_MM * MM
    return (
        round(x1 + inset),
        round(y1 + inset),
        round(x2 - inset),
        round(y2 - LABEL_MM * MM - inset),
    )


def field_name(index: int) -> str:
    """The signature field of box `index` (from 0)."""
    return f"{FIELD_PREFIX}{index + 1}"


def field_index(name: str | None) -> int | None:
    """The box (from 0) a signature field belongs to, or None for a field not ours."""
    found = _FIELD.fullmatch(name or "")
    return int(found.group(1)) - 1 if found else None


def reason_for(role: str) -> str:
    """The /Reason a sign-off signature carries."""
    return f"{REASON_PREFIX}{role}"


def role_from_reason(reason: str | None) -> str | None:
    """The role a signature's /Reason names, or None when it names none."""
    if reason and reason.startswith(REASON_PREFIX):
        return reason.removeprefix(REASON_PREFIX).strip() or None
    return None


def required_roles(review: Review) -> list[str]:
    """The roles the review names as required to sign it off (none: any roles, unnamed)."""
    return list(review.signoff.roles) if review.signoff else []


def missing_roles(review: Review, signed: list[str]) -> list[str]:
    """The required roles with no signature among `signed`."""
    done = {role_key(role) for role in signed}
    return [role for role in required_roles(review) if role_key(role) not in done]
