"""Figures made to stand alone as files: a chart card's figure with its active title and its
caption (measure, source, period, scope, cohort) drawn inside the image.

A PNG or SVG pasted into board papers leaves the card behind, so what the card says around the
chart has to travel inside the picture (the board pack writes its words as the page's own
text: server/pack_pages.py). Text follows the Analysis Function
guidance: left-aligned active title, the caption in smaller grey-black type under the chart,
Arial, no colour-only cues added. Sizes are fixed so every export of a chart looks the same.
Imports plotly and charts only.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

import plotly.graph_objects as go

from charts.figures import FigureSpec


class Size(NamedTuple):
    width: int  # px
    height: int  # px


IMAGE_SIZE = Size(1200, 675)  # 16:9, the size a slide or a Word page takes without rescaling
FONT_FAMILY = "Arial, sans-serif"
TEXT_COLOUR = "#0b0c0c"
SECONDARY_COLOUR = "#505a5f"
TITLE_SIZE = 22
SMALL_SIZE = 13
LINE_HEIGHT = 1.35  # a line of text takes this many times its font size
SIDE = 40  # px of paper left and right of the text
TICKS = 60  # px under the plot kept for the axis' tick labels and title
LEGEND_ROW = 24  # px above the plot for each row of the legend
AXIS_TITLE = 24  # px left of the tick labels for the y axis' title


def escape(text: str) -> str:
    """Plotly reads `<br>`, `<b>`... in text as markup; words from the store are only words."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, width: int, font_size: int) -> list[str]:
    """The text in lines that fit `width` px at `font_size` (Arial averages about half an em
    a character; 0.55 leaves room for capitals and digits)."""
    return textwrap.wrap(text, max(20, int(width / (font_size * 0.55)))) or [""]


def _lines_height(lines: int, font_size: int) -> int:
    return int(lines * font_size * LINE_HEIGHT)


def _text_width(text: str, font_size: int) -> int:
    return int(len(text) * font_size * 0.55)


def _category_room(figure: go.Figure) -> int:
    """Px left of the plot for its value ticks, or for the longest bar name of a horizontal
    bar chart (agency names run long)."""
    names = [str(y) for trace in figure.data if trace.type == "bar" and trace.orientation == "h"
             for y in (trace.y or ())]
    return max([40, *(_text_width(name, 12) + 16 for name in names)])


def _has_y_title(figure: go.Figure) -> bool:
    return bool(figure.layout.yaxis.title.text)


def _top_notes(figure: go.Figure) -> int:
    """Px above the plot that the figure's own notes set on its top edge take (the note of
    incomplete returns): the legend goes above them."""
    taken = 0
    for note in figure.layout.annotations:
        if note.yref == "paper" and note.y == 1 and note.yanchor == "bottom":
            lines = str(note.text).count("<br>") + 1
            taken = max(taken, _lines_height(lines, note.font.size or 12) + int(note.yshift or 0) + 4)
    return taken


def _legend_rows(figure: go.Figure, width: int) -> int:
    """Rows a one-line legend wraps into at `width` px (0 when there is no legend)."""
    shown = [str(t.name) for t in figure.data if t.name and t.showlegend is not False]
    if figure.layout.showlegend is False or (figure.layout.showlegend is None and len(shown) < 2):
        return 0
    entries = sum(_text_width(name, SMALL_SIZE) + 50 for name in shown)  # the key and a gap
    return -(-entries // width)


def export_figure(figure: go.Figure | FigureSpec, title: str, caption: str, size: Size = IMAGE_SIZE,
                  heading: str = "") -> go.Figure:
    """A copy of the chart's figure at `size` with `heading` (e.g. the service and page) and the
    active title above the chart, the legend between them and the chart, and the caption
    wrapped under the chart."""
    figure = go.Figure(figure)
    text_width = size.width - 2 * SIDE
    heading_lines = [f"<span style='font-size:{SMALL_SIZE}px;color:{SECONDARY_COLOUR}'>"
                     f"{escape(heading)}</span>"] if heading else []
    title_lines = [escape(line) for line in wrap(title, text_width, TITLE_SIZE)]
    caption_lines = [escape(line) for line in wrap(caption, text_width, SMALL_SIZE)]
    left = SIDE + _category_room(figure) + (AXIS_TITLE if _has_y_title(figure) else 0)
    legend_rows = _legend_rows(figure, size.width - left - SIDE)  # the legend spans the plot
    notes = _top_notes(figure)
    top = (SIDE + _lines_height(len(title_lines), TITLE_SIZE)
           + (_lines_height(1, SMALL_SIZE) if heading else 0) + LEGEND_ROW * legend_rows + notes
           + SIDE // 2)
    bottom = TICKS + _lines_height(len(caption_lines), SMALL_SIZE) + SIDE // 2
    plot_height = max(size.height - top - bottom, 1)
    out = figure
    out.update_layout(
        width=size.width, height=size.height,
        # Fixed margins (no pushing by the legend or long labels): the caption is placed
        # from the plot's edges, so those must stay where they were put.
        margin={"l": left, "r": SIDE, "t": top, "b": bottom, "autoexpand": False},
        font={"family": FONT_FAMILY, "color": TEXT_COLOUR},
        paper_bgcolor="white", plot_bgcolor="white",
        title={"text": "<br>".join([*heading_lines, *title_lines]), "x": SIDE / size.width,
               "xanchor": "left", "xref": "container", "y": 1 - SIDE / size.height,
               "yanchor": "top", "yref": "container",
               "font": {"size": TITLE_SIZE, "family": FONT_FAMILY, "color": TEXT_COLOUR}},
        # The legend from the plot's left edge, not the paper's: one that reaches over the y
        # axis' title makes plotly push that title sideways into the plot, over the data.
        # Above the figure's own notes on the plot's top edge (incomplete returns).
        legend={"orientation": "h", "x": 0, "xref": "paper", "xanchor": "left",
                "y": 1 + notes / plot_height, "yanchor": "bottom",
                "font": {"size": SMALL_SIZE}},
    )
    out.add_annotation(
        text="<br>".join(caption_lines), xref="paper", yref="paper", x=0, y=0,
        # Annotations have no container reference: shift from the plot's edge to the title's.
        xanchor="left", yanchor="top", xshift=SIDE - left, yshift=-TICKS, align="left",
        showarrow=False,
        font={"size": SMALL_SIZE, "family": FONT_FAMILY, "color": TEXT_COLOUR},
    )
    return out
