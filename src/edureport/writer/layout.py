"""Geometry the writer needs that follows from the profile and the text: widths of text, the size at which the
issuer mark fits, where the signature lines start. Pure arithmetic, in EMU (python-docx's ``Length``)."""

from __future__ import annotations

import unicodedata

from docx.shared import Length, Pt

from ..errors import LayoutError
from ..profile import FONT_SIZES, Profile, Role


def text_width(text: str, role: Role, profile: Profile) -> Length:
    """Advance of ``text`` in ``role``: full-width characters take one em, narrow ones (digits, Latin) half an em.

    Word lays CJK text on a fixed em grid; narrow characters in Times New Roman are close to half an em, and word
    processors add a little space where Chinese meets Latin or digits. This is the estimate used for centring and
    aligning short lines (署名, 成文日期), not a font metric engine.
    """
    pitch = profile.char_pitch(role)
    spacing = pitch - role.size
    total = 0
    previous: bool | None = None
    for ch in text:
        narrow = unicodedata.east_asian_width(ch) in ("Na", "H")
        total += (role.size // 2 + spacing) if narrow else pitch
        if previous is not None and narrow != previous:
            total += profile.grid.autospace
        previous = narrow
    return Length(total)


def mark_size(mark: str, profile: Profile) -> Length:
    """The issuer mark's font size: the profile's size, reduced in half points until the mark fits one line."""
    role = profile.roles.issuer_mark
    full = sum(0.5 if unicodedata.east_asian_width(ch) in ("Na", "H") else 1.0 for ch in mark) or 1.0
    spacing = role.spacing if role.spacing is not None else profile.grid.char_spacing
    fitting = profile.type_width / full - spacing
    size = min(float(role.size), fitting)
    half_points = int(Length(round(size)).pt * 2)  # round down to a half point Word can express
    smallest = FONT_SIZES[0]
    if Pt(half_points / 2) < smallest:  # the mark and the profile's spacing together: only known with the report
        raise LayoutError(f"发文机关标志“{mark}”在版心宽度 {Length(profile.type_width).mm:g}mm 内放不下：字间距 "
                          f"{Length(spacing).pt:g}pt（版式配置 roles.issuer_mark.spacing 或 grid.char_spacing）太大，"
                          f"字号须小于 {Length(smallest).pt:g}pt")
    return Pt(half_points / 2)
