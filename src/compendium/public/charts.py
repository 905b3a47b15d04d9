"""Horizontal bar charts as plain data for `public/_bar_chart.html`, which draws them as inline
SVG and always prints the same numbers as a table.

The server does the geometry, so a chart needs no JavaScript and no outside service. Sizes are SVG
attributes (percentages across, pixels down), never `style=`: the CSP forbids inline styles.
Labels go above their bar, wrapped onto up to three lines, so long taxonomy labels stay whole.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LINE_HEIGHT = 18  # px, for 14px labels
BAR_HEIGHT = 16
GAP = 14  # between a bar and the next label
LABEL_CHARS = 60  # wrap width: fits a half-width column of the page at 14px
MAX_LABEL_LINES = 3
LONGEST_BAR = 86.0  # per cent of the width; the rest keeps room for the count after the bar
LONGEST_SHARE = 78.0  # shares print "12 of 45" after a full-length track: a wider margin


@dataclass(frozen=True)
class Bar:
    """One value of a chart: what it is, how many, and where the list of those entries is."""

    label: str
    count: int
    url: str = ""
    of: int | None = None  # out of how many (e.g. economies in the region): drawn as a share


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    label_lines: tuple[tuple[int, str], ...]  # (baseline y, text)
    bar_y: int
    width: str  # SVG length, e.g. "43.5%"
    track_width: str  # the whole a share is drawn against, else ""
    value_x: str
    value_y: int
    value_text: str
    share_text: str  # for a bar drawn as a share: the per cent, else ""


@dataclass(frozen=True)
class BarChart:
    key: str  # unique on the page: the ids of the title, description and table derive from it
    title: str
    description: str
    label_heading: str  # the table's first column
    count_heading: str
    bars: tuple[DrawnBar, ...]
    height: int
    of_heading: str = ""  # the table's "out of" column, for charts of shares

    @property
    def title_id(self) -> str:
        return f"chart-{self.key}-title"

    @property
    def desc_id(self) -> str:
        return f"chart-{self.key}-desc"

    @property
    def is_empty(self) -> bool:
        return not self.bars


def _wrap(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS, break_long_words=False) or [""]
    if len(lines) > MAX_LABEL_LINES:
        lines = [*lines[: MAX_LABEL_LINES - 1], " ".join(lines[MAX_LABEL_LINES - 1 :])]
    return lines


def _share(bar: Bar, largest: int) -> float:
    if bar.of is not None:
        return bar.count / bar.of if bar.of else 0.0
    return bar.count / largest if largest else 0.0


def _value_text(bar: Bar) -> str:
    if bar.of is None:
        return str(bar.count)
    return _("%(count)s of %(total)s") % {"count": bar.count, "total": bar.of}


def _share_text(bar: Bar) -> str:
    if bar.of is None:
        return ""
    return _("%(percent)s%%") % {"percent": round(100 * _share(bar, 0))}


def _describe(bars: list[Bar], unit: str) -> str:
    """A one-sentence summary for screen readers; the table holds every number."""
    if not bars:
        return _("No data.")
    top = max(bars, key=lambda b: _share(b, 1) if b.of is not None else b.count)
    return ngettext(
        "%(n)s bar; the largest is %(label)s: %(value)s %(unit)s. The data are also in a table.",
        "%(n)s bars; the largest is %(label)s: %(value)s %(unit)s. The data are also in a table.",
        len(bars),
    ) % {"n": len(bars), "label": top.label, "value": _value_text(top), "unit": unit}


def _draw(bar: Bar, *, y: int, largest: int) -> DrawnBar:
    """One bar whose first label line starts at `y` pixels from the top."""
    lines = _wrap(bar.label)
    bar_y = y + LINE_HEIGHT * len(lines) + 2
    is_share = bar.of is not None
    longest = LONGEST_SHARE if is_share else LONGEST_BAR
    width = f"{round(longest * _share(bar, largest), 2)}%"
    return DrawnBar(
        bar=bar,
        label_lines=tuple((y + LINE_HEIGHT * (i + 1) - 4, text) for i, text in enumerate(lines)),
        bar_y=bar_y,
        width=width,
        # A share's value follows its whole track, so values line up and never cover the track.
        track_width=f"{longest}%" if is_share else "",
        value_x=f"{longest}%" if is_share else width,
        value_y=bar_y + BAR_HEIGHT - 3,
        value_text=_value_text(bar),
        share_text=_share_text(bar),
    )


def bar_chart(
    *,
    key: str,
    title: str,
    bars: Iterable[Bar],
    label_heading: str,
    count_heading: str,
    unit: str = "",
    of_heading: str = "",
) -> BarChart:
    """Lay the bars out top to bottom in the order given. `unit` names what is counted, for the
    description ("entries")."""
    bars = list(bars)
    largest = max((b.count for b in bars), default=0)
    drawn, y = [], 0
    for bar in bars:
        drawn.append(_draw(bar, y=y, largest=largest))
        y = drawn[-1].bar_y + BAR_HEIGHT + GAP
    return BarChart(
        key=key,
        title=title,
        description=_describe(bars, unit or count_heading.lower()),
        label_heading=label_heading,
        count_heading=count_heading,
        bars=tuple(drawn),
        height=max(y - GAP + 2, 0),
        of_heading=of_heading,
    )
