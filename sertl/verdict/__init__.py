"""Published value against reproduced value: the interval, the test, and the sentence.

Every sentence of the book that states a result is made here from the numbers,
so that prose cannot contradict a table:

- :func:`interval` gives the mean over the protocol's *independent units*
  (target subjects, folds, support draws) with a Student-t interval, which is
  valid at small n (a percentile bootstrap over four units is too narrow).
  Repeated seeds inside a unit are averaged first, so ``n`` is the number of
  units, never of runs. With fewer than three units there is no interval.
- :func:`compare` judges a published value against that interval with a
  declared margin of equivalence ``margin`` (:data:`MARGIN` points):
  *reproduced* when the whole interval lies within published ± margin, *not
  reproduced* when the interval excludes the published value, *inconclusive*
  otherwise (the interval is too wide to tell).
- :func:`paired` tests two methods over the same units with a paired t-test,
  and its interval is the t-interval of the same test, so that a sentence's
  p-value and interval always agree; :func:`adjust` corrects both for
  multiplicity (Bonferroni) or neither.
- :func:`effect` turns a paired test into a row of ``effects.csv``: our
  difference beside the paper's, with the same three-way verdict;
  :func:`finding` judges a paper's stated conclusion from its effect rows.

Values are percentages (higher is better) unless a metric says otherwise.

The package's modules: :mod:`~sertl.verdict.intervals` (means and intervals over
units, chance levels), :mod:`~sertl.verdict.levels` (one published cell's
verdict), :mod:`~sertl.verdict.paired_tests` (paired tests and their correction) and
:mod:`~sertl.verdict.findings` (effects, findings, claims). Every name is
re-exported here: callers write ``verdict.compare``, ``verdict.MARGIN``, ...
"""

from .findings import (
    EFFECT_STATUSES,
    FINDING_VERDICTS,
    Effect,
    claim,
    effect,
    effects_table,
    finding,
    say,
)
from .intervals import (
    DEGENERATE_SHARE,
    MIN_UNITS,
    Interval,
    _fmt,
    chance,
    dominant,
    interval,
    is_degenerate,
    seed_range,
    t_interval,
    unit_means,
)
from .levels import MARGIN, STATUSES, Verdict, compare, judge, not_run, table, tally
from .paired_tests import PairedTest, adjust, p_text, paired, paired_columns

__all__ = [
    "DEGENERATE_SHARE",
    "EFFECT_STATUSES",
    "FINDING_VERDICTS",
    "MARGIN",
    "MIN_UNITS",
    "STATUSES",
    "Effect",
    "Interval",
    "PairedTest",
    "Verdict",
    "_fmt",
    "adjust",
    "chance",
    "claim",
    "compare",
    "dominant",
    "effect",
    "effects_table",
    "finding",
    "interval",
    "is_degenerate",
    "judge",
    "not_run",
    "p_text",
    "paired",
    "paired_columns",
    "say",
    "seed_range",
    "t_interval",
    "table",
    "tally",
    "unit_means",
]
