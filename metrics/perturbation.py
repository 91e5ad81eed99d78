"""The cell key method: record keys, cell keys and the perturbation table.

Every record (a child in an LA, an adopter household, a support row) gets a record key from 0 to
255, fixed by a keyed hash of its identity and the database's secret, so the same child has the
same key in every quarter's return and in every worker. A cell's key is the sum of its records'
keys modulo 256, so a cell made of the same records always has the same key, whatever measure,
breakdown, scope or window asked for it; its shown count is the exact count plus the noise the
perturbation table gives for that count and key. Repeating a question, or asking for the same
children another way, returns the same number and averages nothing away (Thompson, Broadfoot
and Elazar 2013, the ABS TableBuilder; the ONS's Census 2021 cell key method).
docs/disclosure.md gives the threat model. Pure numpy and pandas; imports nothing of ours.
"""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pandas as pd

KEYS = 256  # record and cell keys run from 0 to KEYS - 1
NO_KEY = -1  # a cell without records behind it (never perturbed from records; see label_keys)

# The perturbation table for counts of SMALLEST_SHOWN or more, as how many of the 256 cell keys
# give each noise: nearly three cells in four are unchanged, most others move by 1, and a count
# moves by at most MAX_NOISE. A shown count is never below SMALLEST_SHOWN (the smallest count shown at
# all), so near it the noise that would go below is given to 0: shown 6 means 6 to 9.
NOISE_WEIGHTS = {0: 186, 1: 30, -1: 30, 2: 4, -2: 4, 3: 1, -3: 1}
MAX_NOISE = max(NOISE_WEIGHTS)
SMALLEST_SHOWN = 6  # the disclosure rules hide counts of 1 to 5; larger counts are perturbed


def _table(smallest: int) -> np.ndarray:
    """Noise by (count - smallest, clipped to MAX_NOISE rows) and cell key."""
    assert sum(NOISE_WEIGHTS.values()) == KEYS
    rows = []
    for above in range(MAX_NOISE + 1):  # how far the count is above the smallest shown
        weights = {e: w for e, w in NOISE_WEIGHTS.items() if e >= -above}
        weights[0] += KEYS - sum(weights.values())
        # Keys in a fixed order of noises, so one key moves a count the same way wherever the
        # table allows it (ABS and ONS tables are laid out the same way).
        row = np.concatenate([np.full(weights[e], e) for e in sorted(weights)])
        rows.append(row)
    return np.array(rows, dtype=np.int64)


PTABLE = _table(SMALLEST_SHOWN)


def perturb(counts: np.ndarray, keys: np.ndarray, smallest: int = SMALLEST_SHOWN) -> np.ndarray:
    """Counts with the table's noise added: counts below `smallest` (0 and the hidden ones) and
    gaps are left as they are. `keys` are cell keys (0 to 255)."""
    counts = np.asarray(counts, dtype=float)
    keys = np.asarray(keys, dtype=np.int64) % KEYS
    out = counts.copy()
    moved = ~np.isnan(counts) & (counts >= smallest)
    if moved.any():
        above = np.minimum(counts[moved] - smallest, MAX_NOISE).astype(np.int64)
        out[moved] = counts[moved] + PTABLE[above, keys[moved]]
    return out


# A closed area's pounds move by 5% to 15% of themselves, up or down, by their cell key: money is
# not a count of people, so the count table does not fit it, but shown exact it could be
# differenced (a region's pounds less its other agencies' give one agency's hidden pounds).
MONEY_NOISE = (0.05, 0.15)


def perturb_money(amounts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Pounds with noise of 5% to 15% of themselves, its size and sign from the cell key (the
    same records, the same noise: asking again averages nothing away), to the nearest £10."""
    amounts = np.asarray(amounts, dtype=float)
    keys = np.asarray(keys, dtype=np.int64) % KEYS
    out = amounts.copy()
    moved = ~np.isnan(amounts) & (amounts > 0)
    if moved.any():
        k = keys[moved]
        low, high = MONEY_NOISE
        size = low + (high - low) * ((k // 2) % 64) / 63
        sign = np.where(k % 2 == 1, 1.0, -1.0)
        out[moved] = np.round(amounts[moved] * (1 + sign * size), -1)
    return out


def possible_counts(shown: int, smallest: int = SMALLEST_SHOWN) -> range:
    """Every exact count the table could have shown as `shown` (what a reader who knows the
    table, but not the keys, can say of a shown count)."""
    if shown < smallest:
        return range(shown, shown + 1)
    low = max(smallest, shown - MAX_NOISE)
    return range(low, shown + MAX_NOISE + 1)


def record_keys(identity: pd.DataFrame, secret: bytes) -> np.ndarray:
    """Each row's record key (0 to 255, uint8) from its identity columns and the secret: a
    keyed SipHash, so without the secret nobody can work out a key, or a cell's noise."""
    if len(identity) == 0:
        return np.zeros(0, dtype=np.uint8)
    hash_key = base64.b64encode(hashlib.sha256(b"record keys\0" + secret).digest()[:12]).decode()
    hashed = pd.util.hash_pandas_object(identity.astype(str), index=False, hash_key=hash_key)
    return (hashed.to_numpy(dtype=np.uint64) % np.uint64(KEYS)).astype(np.uint8)


def cell_key(keys: np.ndarray) -> int:
    """A cell's key from its records' keys."""
    return int(np.asarray(keys, dtype=np.int64).sum() % KEYS) if len(keys) else 0


def label_keys(*labels: np.ndarray) -> np.ndarray:
    """Cell keys for rows that came without records (hand-made frames): from the row's labels,
    so the same row always gets the same noise. Rows of the engine always carry record keys."""
    joined = ["\0".join(map(str, parts)) for parts in zip(*labels)]
    return np.fromiter((hashlib.blake2b(s.encode(), digest_size=2).digest()[0] for s in joined),
                       dtype=np.int64, count=len(joined))
