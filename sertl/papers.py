"""The four papers' published numbers, as data (quoted, never computed here).

Only values stated in the papers' text are listed; where a table's value is
not available to us, it is absent rather than guessed. Metrics: ``wa``
(accuracy) or ``uar`` (unweighted average recall), in percent.
"""

from __future__ import annotations

import pandas as pd

FT_LOSS = "fine-tuning + distance loss"
_ROWS = [
    # Feng & Chaspari, Table 1 (target RAVDESS, UAR %)
    ("feng_chaspari", "Table 1", "OODT", "enterface05", "ravdess", "uar", 32.8),
    ("feng_chaspari", "Table 1", "OODT", "crema_d", "ravdess", "uar", 29.3),
    ("feng_chaspari", "Table 1", "IDT", "ravdess", "ravdess", "uar", 50.0),
    ("feng_chaspari", "Table 1", "fine-tuning", "enterface05", "ravdess", "uar", 32.9),
    ("feng_chaspari", "Table 1", "fine-tuning", "crema_d", "ravdess", "uar", 37.8),
    (
        "feng_chaspari",
        "Table 1",
        "fine-tuning + distance loss",
        "enterface05",
        "ravdess",
        "uar",
        39.9,
    ),
    ("feng_chaspari", "Table 1", FT_LOSS, "crema_d", "ravdess", "uar", 43.4),
    # Lian et al., Table 3 (IEMOCAP session 5 test, UA %)
    ("lian", "Table 3", "baseline 4 s", "iemocap", "iemocap", "uar", 51.09),
    ("lian", "Table 3", "baseline 5 s", "iemocap", "iemocap", "uar", 54.71),
    ("lian", "Table 3", "baseline 6 s", "iemocap", "iemocap", "uar", 53.26),
    ("lian", "Table 3", "baseline 7 s", "iemocap", "iemocap", "uar", 55.36),
    ("lian", "Table 3", "pairwise discriminative task", "iemocap", "iemocap", "uar", 56.33),
    # Andova & Luštrek, Tables 2 and 3 (accuracy %)
    ("andova_lustrek", "Table 2", "majority", "emodb", "savee", "wa", 40.0),
    ("andova_lustrek", "Table 2", "scenario 1", "emodb", "savee", "wa", 29.0),
    ("andova_lustrek", "Table 2", "scenario 2", "emodb", "savee", "wa", 49.0),
    ("andova_lustrek", "Table 2", "scenario 3", "emodb", "savee", "wa", 57.0),
    ("andova_lustrek", "Table 3", "normalisation 2", "emodb", "savee", "wa", 58.0),
]

PUBLISHED = pd.DataFrame(
    _ROWS, columns=["paper", "table", "method", "source", "target", "metric", "value"]
)


def published(paper: str) -> pd.DataFrame:
    """The published values of one paper."""
    return PUBLISHED[PUBLISHED["paper"] == paper].reset_index(drop=True)
