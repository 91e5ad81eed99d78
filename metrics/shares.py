"""Shares of a breakdown as a caller may see them: each category's count as a percentage of
its Total, worked out from the counts as disclosed to that caller (perturbed, rounded or
hidden), never from the exact ones.

So a share hides exactly what its count hides: a `[c]` count (or a hidden Total) gives a `[c]`
share, and the shares shown are the shown counts divided, so a board can set a scope's mix
beside its region's and England's without any figure giving back a hidden count. Pure: imports
pandas, numpy and metrics.disclosure only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from metrics.disclosure import TOTAL, format_value


def shares_of_shown(shown: pd.DataFrame) -> pd.DataFrame:
    """Disclosed count rows (a breakdown's categories then its Total, per scope and quarter) as
    shares (`share_columns`), the frame's other columns as they were."""
    out = shown.copy(deep=False)  # copy-on-write: setting its columns leaves `shown` as it was
    for name, column in share_columns(shown).items():
        # Text stays Python strings, as metrics.engine.plain_frame keeps it.
        out[name] = pd.Series(column, index=out.index, dtype=object if isinstance(column, list) else None)
    return out


def share_columns(shown: Mapping[str, Sequence]) -> dict[str, np.ndarray | list[str]]:
    """The new value, cohort, shown, status and value_type columns of disclosed count rows (a
    frame, or its columns before it is one) as shares: `value` the percentage of the Total,
    `cohort` the Total as shown, `shown` the percentage as text or the count's symbol. A Total
    row shows 100% of its own count; a Total of 0 leaves nothing to share out ([z]); a row
    without a breakdown is [z], its cohort the count as shown."""
    group = list(zip(shown["scope"], shown["quarter"], shown["breakdown"]))
    totals = {g: v for g, c, v, t in zip(group, shown["category"], shown["value"], shown["shown"])
              if c == TOTAL}
    values, cohorts, texts, statuses = [], [], [], []
    for g, category, value, text, status in zip(group, shown["category"], shown["value"],
                                                 shown["shown"], shown["status"]):
        total = totals.get(g, np.nan)
        if not g[2]:  # nothing to share out without a breakdown: its cohort is the count
            values.append(np.nan), cohorts.append(value), texts.append("[z]"), statuses.append("z")
        elif pd.notna(total) and total == 0 and text not in ("[c]", "[x]"):
            values.append(np.nan), cohorts.append(total), texts.append("[z]"), statuses.append("z")
        elif pd.isna(value) or pd.isna(total):
            # the count's own symbol; a category of a hidden Total is hidden with it
            symbol = text if text in ("[c]", "[z]", "[x]") else "[c]"
            values.append(np.nan), texts.append(symbol)
            cohorts.append(np.nan if symbol == "[c]" else total)
            statuses.append(status if symbol != "[c]" else "")
        else:
            share = 100.0 * float(value) / float(total)
            values.append(share), cohorts.append(total)
            texts.append(format_value(share, "percent")), statuses.append(status)
    return {"value": np.array(values, dtype=float), "cohort": np.array(cohorts, dtype=float),
            "shown": texts, "status": statuses, "value_type": ["percent"] * len(texts)}
