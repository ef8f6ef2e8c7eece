"""Server-rendered SVG charts: the geometry here, the markup in templates/classrooms/charts/.

No JavaScript and no library to serve: the page works offline and without scripts, and each bar
carries a <title> (a tooltip, and the figure for screen readers)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

WIDTH = 600
HEIGHT = 200
LEFT = 40  # room for the axis labels
BOTTOM = 20
TOP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    css: str = "bar"


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    maximum: int
    axis: list[tuple[float, str]]  # (y, label)
    ticks: list[tuple[float, str]]  # (x, label) under the bars
    total: int


def _nice_max(value: int) -> int:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least the value."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if top * step >= value:
                return top * step
        top *= 10


def daily_bars(series: list[tuple[date, int]]) -> BarChart:
    maximum = _nice_max(max((xp for _day, xp in series), default=0) or 1)
    plot_width = WIDTH - LEFT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(series), 1)
    bars = []
    ticks = []
    for i, (day, xp) in enumerate(series):
        height = plot_height * xp / maximum
        x = LEFT + i * slot + slot * 0.1
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot * 0.8, 1),
                height=round(height, 1),
                label=f"{day:%a %d %b}: {xp} XP",
                value=xp,
            )
        )
        # Weekly ticks counted back from today, so the last bar is always labelled.
        if (len(series) - 1 - i) % 7 == 0:
            ticks.append((round(x + slot * 0.4, 1), f"{day:%d %b}"))
    axis = [(TOP + plot_height * (1 - f), str(round(maximum * f))) for f in (0, 0.5, 1)]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        maximum=maximum,
        axis=axis,
        ticks=ticks,
        total=sum(xp for _day, xp in series),
    )


STATUS_ORDER = ("done", "late", "open", "missed")
ROW_HEIGHT = 28
LABEL_WIDTH = 200


@dataclass(frozen=True)
class CompletionRow:
    y: float
    title: str
    segments: list[Bar]
    students: int


@dataclass(frozen=True)
class CompletionChart:
    width: int
    height: int
    rows: list[CompletionRow]
    label_width: int
    legend: tuple[str, ...]


def completion_bars(rows: list[tuple[str, Counter]], *, students: int) -> CompletionChart:
    """One horizontal bar per assignment, split by how many students are in each status."""
    plot_width = WIDTH - LABEL_WIDTH
    chart_rows = []
    for i, (title, counts) in enumerate(rows):
        y = i * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for status in STATUS_ORDER:
            n = counts.get(status, 0)
            if not n or not students:
                continue
            width = plot_width * n / students
            segments.append(
                Bar(
                    x=round(x, 1),
                    y=y + 4,
                    width=round(width, 1),
                    height=ROW_HEIGHT - 8,
                    label=f"{title}: {n} of {students} {status}",
                    value=n,
                    css=f"status-{status}",
                )
            )
            x += width
        chart_rows.append(CompletionRow(y=y, title=title, segments=segments, students=students))
    return CompletionChart(
        width=WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT,
        rows=chart_rows,
        label_width=LABEL_WIDTH,
        legend=STATUS_ORDER,
    )
