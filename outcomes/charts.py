"""Server-rendered SVG charts: no JavaScript, they print in black on white, and a screen reader hears the numbers.

Shared by «Slik har det gått» (``outcomes.views.change``) and the half-year report. Every function returns one
``<svg>`` element as a ``SafeString`` (every text in it escaped), ready to put in a template with ``{{ chart }}``::

    from outcomes.charts import Bar, bar_chart, bar_pair, share_bar

    # Then and now on the five-point scale (the bar is ``value / max`` long):
    bar_pair(3, 4, max=5, label="Boligen")
    bar_pair(Bar("mai", 3, "Sånn passe fornøyd"), Bar("november", 4, "Ganske fornøyd"), max=5, label="Boligen")

    # One bar per row; ``max`` defaults to the largest value. A value of ``None`` draws no bar and shows its text
    # (e.g. a suppressed cell: ``Bar("Hvilende", None, "under 5")``):
    bar_chart([Bar("Nye", 12), Bar("Aktive", 40), Bar("Hvilende", None, "under 5")], label="Saker i halvåret")

    # Shares of a whole in one bar, with a legend line per part (better / same / worse):
    share_bar([Bar("Bedre", 40, "40 %"), Bar("Som før", 38, "38 %"), Bar("Dårligere", 22, "22 %")],
              label="Alt i alt, hvor fornøyd: 77 svarte")

Accessibility: the ``<svg>`` has ``role="img"`` and a ``<title>`` (``aria-labelledby`` points at it) that holds
the label and every bar's label and text, so the numbers are in the text alternative, and each bar's label and
text are also drawn as visible ``<text>`` next to it (not by colour alone). A bar's ``text`` is what is shown
and read; without one it is the number (``bar_pair``: «3 av 5»).

Looks: the shapes carry classes (``chart``, ``chart__track``, ``chart__bar``, ``chart__bar--muted``,
``chart__part chart__part--<n>``, ``chart__text``) styled by ``static/css/charts.css`` (link it on the page: the
Content-Security-Policy forbids inline styles), and presentation attributes as a fallback, so a chart still reads
without the stylesheet. The stylesheet's print rules make the bars black and grey on white. The ``viewBox`` is
``width`` wide (320 by default, a phone's width) and the SVG scales to its container.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Fallback colours (the stylesheet overrides them): a strong bar, a muted one (an earlier round), the track.
STRONG = "#0062ba"
MUTED = "#8fa9c9"
TRACK = "#e8ecf1"
INK = "#1e2b3c"
# Parts of a share bar, dark to light, so they differ in black-and-white print too.
PARTS = ("#0062ba", "#7a8797", "#d9822b", "#c9d3df", "#4b5563")

WIDTH = 320
ROW = 42  # a text line and a bar under it
BAR_HEIGHT = 14
FONT = 13

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    """One bar: what it is (``label``), how long (``value``; ``None`` = no bar, e.g. not answered or suppressed),
    and what is written beside it and read out (``text``; default: the number). ``muted`` draws it in the softer
    colour (an earlier round next to the latest)."""

    label: str
    value: float | None
    text: str | None = None
    muted: bool = False


def _number(value: float | None) -> str:
    if value is None:
        return _("mangler")
    if float(value).is_integer():
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


def _text(bar: Bar) -> str:
    return str(bar.text) if bar.text is not None else _number(bar.value)


def _line(bar: Bar) -> str:
    """«label: text», or the text alone for a bar without a label."""
    return f"{bar.label}: {_text(bar)}" if bar.label else _text(bar)


def _new_id() -> str:
    return f"chart-{next(_ids)}"


def _joined(label: str, alt: str) -> str:
    """«Saker: Nye: 10; …», or «Hvor fornøyd er du? Mai: 3; …» after a label that ends a sentence."""
    label = str(label)
    return f"{label} {alt}" if label.rstrip().endswith(("?", ".", "!", ":")) else f"{label}: {alt}"


def _svg(*, chart_id: str, label: str, alt: str, height: int, width: int, body: list[str]) -> SafeString:
    title_id = f"{chart_id}-title"
    head = (
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{title_id}">{escape(_joined(label, alt))}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def bar_chart(bars: Sequence[Bar], *, label: str, max: float | None = None, width: int = WIDTH) -> SafeString:
    """One horizontal bar per row: «label: text» above a bar of ``value / max`` of the width, on a track that
    shows the whole. ``max`` defaults to the largest value (at least 1)."""
    bars = list(bars)
    largest = max if max is not None else builtins.max([b.value for b in bars if b.value is not None] or [1])
    largest = largest or 1
    chart_id = _new_id()
    body = []
    for i, bar in enumerate(bars):
        top = i * ROW
        line = _line(bar)
        body.append(
            f'<text class="chart__text" x="0" y="{top + FONT}" font-size="{FONT}" fill="{INK}">{escape(line)}</text>'
        )
        y = top + FONT + 6
        body.append(
            f'<rect class="chart__track" x="0" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{TRACK}" '
            f'stroke="{MUTED}" stroke-width="0.5"/>'
        )
        if bar.value is not None and bar.value > 0:
            length = round(width * min(float(bar.value), float(largest)) / float(largest), 1)
            kind = "chart__bar chart__bar--muted" if bar.muted else "chart__bar"
            fill = MUTED if bar.muted else STRONG
            body.append(
                f'<rect class="{kind}" x="0" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{fill}"/>'
            )
    alt = "; ".join(_line(bar) for bar in bars)
    return _svg(chart_id=chart_id, label=label, alt=alt, height=len(bars) * ROW, width=width, body=body)


def _as_bar(value, default_label: str, *, muted: bool, max: float) -> Bar:
    if isinstance(value, Bar):
        return Bar(value.label, value.value, value.text, muted)
    text = (
        _("%(value)s av %(max)s") % {"value": _number(value), "max": _number(max)}
        if value is not None
        else None
    )
    return Bar(default_label, value, text, muted)


def bar_pair(
    then,
    now,
    *,
    max: float = 5,
    label: str,
    then_label: str | None = None,
    now_label: str | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Then and now: two bars, the earlier muted. ``then`` and ``now`` are numbers (or ``None``: not answered) or
    :class:`Bar` s; a number is written «3 av 5» after «Da» / «Nå» (or ``then_label`` / ``now_label``)."""
    return bars_over_time(
        [then, now], max=max, label=label, labels=[then_label or _("Da"), now_label or _("Nå")], width=width
    )


def bars_over_time(
    values: Sequence, *, max: float = 5, label: str, labels: Sequence[str] | None = None, width: int = WIDTH
) -> SafeString:
    """Like :func:`bar_pair` for two or more points in time (the first round, the one before the latest, the
    latest): every bar but the last muted."""
    labels = list(labels or [""] * len(values))
    last = len(values) - 1
    bars = [_as_bar(value, labels[i], muted=i != last, max=max) for i, value in enumerate(values)]
    return bar_chart(bars, label=label, max=max, width=width)


def share_bar(parts: Sequence[Bar], *, label: str, width: int = WIDTH) -> SafeString:
    """Shares of a whole as one bar split in parts (in the order given), and under it a legend line per part with
    a swatch, its label and its text. Parts with ``None`` (suppressed) or 0 take no room."""
    parts = list(parts)
    total = sum(float(p.value) for p in parts if p.value) or 1.0
    chart_id = _new_id()
    body = []
    x = 0.0
    for i, part in enumerate(parts):
        if not part.value or part.value <= 0:
            continue
        length = round(width * float(part.value) / total, 1)
        tone = i % len(PARTS)
        body.append(
            f'<rect class="chart__part chart__part--{tone}" x="{round(x, 1)}" y="0" width="{length}" '
            f'height="{BAR_HEIGHT + 6}" fill="{PARTS[tone]}" stroke="#ffffff" stroke-width="1"/>'
        )
        x += length
    for i, part in enumerate(parts):
        top = BAR_HEIGHT + 12 + i * (FONT + 9)
        tone = i % len(PARTS)
        body.append(
            f'<rect class="chart__part chart__part--{tone}" x="0" y="{top}" width="{FONT}" height="{FONT}" '
            f'fill="{PARTS[tone]}"/>'
        )
        line = _line(part)
        body.append(
            f'<text class="chart__text" x="{FONT + 6}" y="{top + FONT - 2}" font-size="{FONT}" fill="{INK}">'
            f"{escape(line)}</text>"
        )
    height = BAR_HEIGHT + 12 + len(parts) * (FONT + 9)
    alt = "; ".join(_line(part) for part in parts)
    return _svg(chart_id=chart_id, label=label, alt=alt, height=height, width=width, body=body)
