"""The summaries: the grid's rows as tables, Table 3 beside the paper, verdicts, the scale.

:func:`per_unit` gives the per-test-unit scores the verdicts and effects pair on;
:func:`table3` and :func:`verdicts` set them beside the paper's Table 3;
:func:`above_chance` and :func:`degenerate` check that every model learned;
:func:`scale` and :func:`scale_table` state the scale a run trained at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ... import verdict
from ...metrics import uar
from ...models.lian import encoder_parameters
from .settings import EMOTIONS, PAIRWISE, PAPER_CORPUS, UNIT, Settings

#: What the paper states of its own scale (Section 3, Tables 1 and 2); None: not stated.
PAPER_SCALE = {
    "training utterances": 3259,
    "input (bins x frames, pairwise crop)": "257 x 400",
    "most training pairs per model": "above 4 million (its pair set)",
    "pairs per epoch": None,
    "pairwise epochs (most)": None,
    "softmax epochs (most)": None,
    "encoder layers (channels, kernel, stride)": "five conv + FC (figure missing)",
    "encoder parameters": None,
    "learning rate": 1e-5,
    "schedule": "constant",
    "batch size": 32,
    "seeds": None,
    "folds (test units)": "1 (session 5)",
}


def predictions(results: pd.DataFrame) -> pd.DataFrame:
    """The test predictions of every cell."""
    cols = ["method", "duration", "seed", "fold", "unit", "item", "speaker", "true", "predicted"]
    return results[results["record"] == "test"][cols].reset_index(drop=True)


def curves(results: pd.DataFrame) -> pd.DataFrame:
    """Training curves of every cell (one row per cell and epoch)."""
    rows = results[results["record"] == "curve"]
    cols = ["method", "seed", "fold", "unit", "epoch", "loss", "pair_accuracy", "val_uar", "lr"]
    cols += ["pairs_per_s"]
    out = rows[[c for c in cols if c in rows]].reset_index(drop=True)
    out["epoch"] = out["epoch"].astype(int)
    return out


def embeddings(results: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training vectors of one seed's pairwise encoder (first fold) and their emotions."""
    rows = results[(results["record"] == "embedding") & (results["seed"] == seed)]
    return np.stack(rows["embedding"].to_numpy()), rows["true"].to_numpy()


def per_unit(results: pd.DataFrame) -> pd.DataFrame:
    """UAR (%) of each cell on its test unit: the per-unit rows the effects pair on.

    Returns:
        Columns ``method, duration, seed, unit, n, uar`` (``n``: test utterances).
    """
    pred = predictions(results)
    rows = []
    keys = ["method", "duration", "seed", "unit"]
    for (method, duration, seed, unit), g in pred.groupby(keys, sort=False):
        rows.append(
            {
                "method": method,
                "duration": duration,
                "seed": seed,
                "unit": unit,
                "n": len(g),
                "uar": 100 * uar(g["true"].to_numpy(), g["predicted"].to_numpy()),
            }
        )
    return pd.DataFrame(rows)


def degenerate(pred: pd.DataFrame, share: float = verdict.DEGENERATE_SHARE) -> pd.DataFrame:
    """Each model's most predicted class and its share of the model's test items.

    Returns:
        One row per cell (``method, seed, unit``): ``class``, ``share`` (percent) and
        ``degenerate`` (``share`` at least ``share``).
    """
    rows = []
    for (method, seed, unit), g in pred.groupby(["method", "seed", "unit"], sort=False):
        cls, frac = verdict.dominant(g["predicted"].to_numpy())
        rows.append(
            {
                "method": method,
                "seed": seed,
                "unit": unit,
                "class": cls,
                "share": 100 * frac,
                "degenerate": verdict.is_degenerate(g["predicted"].to_numpy(), share),
            }
        )
    return pd.DataFrame(rows)


def degenerate_sentence(check: pd.DataFrame) -> str:
    """Name every model that predicts one class for most of its test items."""
    bad = check[check["degenerate"]]
    if bad.empty:
        top = check["share"].max()
        return (
            f"No model predicts one class for {100 * verdict.DEGENERATE_SHARE:.0f} % or more of "
            f"its test items (the largest share of one class is {top:.0f} %)."
        )
    names = [
        f"{r.method} (seed {r.seed}, {r.unit}: {r['class']} {r.share:.0f} %)"
        for _, r in bad.iterrows()
    ]
    return (
        f"Degenerate: {len(bad)} model(s) predict one class for at least "
        f"{100 * verdict.DEGENERATE_SHARE:.0f} % of their test items: " + "; ".join(names) + "."
    )


def above_chance(scores: pd.DataFrame, n_classes: int = len(EMOTIONS)) -> pd.DataFrame:
    """Per method: mean UAR over test units against chance, one-sided t-test over units.

    Seeds are averaged within a unit first.

    Returns:
        One row per method: ``n`` (units), ``uar``, ``chance``, ``above`` (points),
        ``p`` (one-sided; NaN under two units).
    """
    level = verdict.chance(n_classes)
    rows = []
    for method in _method_order(list(scores["method"].unique())):
        units = scores[scores["method"] == method].groupby("unit")["uar"].mean()
        p = (
            float(stats.ttest_1samp(units, level, alternative="greater").pvalue)
            if len(units) >= 2
            else np.nan
        )
        rows.append(
            {
                "method": method,
                "n": len(units),
                "uar": units.mean(),
                "chance": level,
                "above": units.mean() - level,
                "p": p,
            }
        )
    return pd.DataFrame(rows).set_index("method")


def _method_order(methods: Sequence[str]) -> list[str]:
    base = sorted((m for m in methods if m != PAIRWISE), key=lambda m: float(m.split()[1]))
    return base + ([PAIRWISE] if PAIRWISE in methods else [])


def utterance_interval(
    pred: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile-bootstrap interval of UAR (%) over test utterances, seeds pooled.

    For a single test unit (IEMOCAP's session 5): it holds for its speakers only.
    """
    rng = np.random.default_rng(seed)
    true, predicted = pred["true"].to_numpy(), pred["predicted"].to_numpy()
    boots = [
        100 * uar(true[idx], predicted[idx])
        for idx in (rng.integers(0, len(true), len(true)) for _ in range(n_boot))
    ]
    return tuple(np.percentile(boots, [50 * (1 - level), 50 * (1 + level)]))


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    corpus: str,
    paper_corpus: str = PAPER_CORPUS,
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell; the unit is the test speaker group, seeds nested.

    Args:
        scores: :func:`per_unit`.
        published: ``sertl.papers.published("lian")``.
        data: ``"real"`` or ``"synthetic"``.
        corpus: The corpus the grid ran on.
        paper_corpus: The paper's corpus (a different ``corpus`` is a stand-in).
        margin: Margin of equivalence, in points.
    """
    out = []
    for _, row in published.iterrows():
        mine = scores[scores["method"] == row["method"]]
        if mine.empty:
            out.append(verdict.not_run(row, f"{row['method']} not in this run's grid"))
            continue
        out.append(
            verdict.compare(
                row,
                mine["uar"].to_numpy(),
                mine["unit"].to_numpy(),
                unit=UNIT,
                data=data,
                stand_in="" if corpus == paper_corpus else corpus,
                margin=margin,
                seeds=mine["seed"].to_numpy(),
            )
        )
    return out


def table3(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    verdict_list: Sequence,
    pred: pd.DataFrame | None = None,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Table 3 beside the paper: per method the mean over test units and its interval.

    Returns:
        Rows in the paper's order; columns ``paper``, ``ours`` (mean over test units of
        the per-unit UAR, seeds averaged within a unit), ``low``, ``high`` (95 %
        interval), ``n`` (test units), ``unit``, ``interval`` (what the interval
        resamples), ``pooled`` (UAR of all test utterances, mean over seeds),
        ``seeds`` and ``status``. With one test unit and ``pred``, the interval is
        over utterances and holds for that unit's speakers only.
    """
    by = {v.method: v for v in verdict_list}
    rows = []
    for method in _method_order(list(published["method"])):
        v = by.get(method)
        mine = scores[scores["method"] == method]
        n = mine["unit"].nunique()
        low, high = (v.low, v.high) if v else (np.nan, np.nan)
        what = f"t-interval over {UNIT}s"
        pooled = np.nan
        if pred is not None:
            p = pred[pred["method"] == method]
            if len(p):
                pooled = float(
                    np.mean([100 * uar(g["true"], g["predicted"]) for _, g in p.groupby("seed")])
                )
            if n == 1 and len(p):
                low, high = utterance_interval(p, seed=seed)
                what = f"bootstrap over utterances (holds for {mine['unit'].iloc[0]} only)"
        rows.append(
            {
                "method": method,
                "paper": float(published.set_index("method").loc[method, "value"]),
                "ours": mine.groupby("unit")["uar"].mean().mean() if n else np.nan,
                "low": low,
                "high": high,
                "n": n,
                "unit": UNIT,
                "interval": what if n else "",
                "pooled": pooled,
                "seeds": mine["seed"].nunique(),
                "status": v.status if v else "not run",
            }
        )
    return pd.DataFrame(rows).set_index("method")


def scale(settings: Settings, *, n_train: int, seeds: Sequence[int], folds: int = 1) -> dict:
    """The scale of a run, computed from its settings (for the table beside Table 3)."""
    return {
        "training utterances": n_train,
        "input (bins x frames, pairwise crop)": (
            f"{settings.n_bins} x {settings.frames(settings.duration)}"
        ),
        "most training pairs per model": settings.pairs_per_epoch * settings.pairwise_epochs,
        "pairs per epoch": settings.pairs_per_epoch,
        "pairwise epochs (most)": settings.pairwise_epochs,
        "softmax epochs (most)": settings.softmax_epochs,
        "encoder layers (channels, kernel, stride)": " ".join(
            f"({c},{k},{s})" for c, k, s in settings.conv
        ),
        "encoder parameters": encoder_parameters(settings.conv, settings.n_bins),
        "learning rate": settings.lr,
        "schedule": settings.schedule,
        "batch size": settings.batch_size,
        "seeds": len(seeds),
        "folds (test units)": folds,
    }


def scale_table(columns: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """Several :func:`scale` records (and :data:`PAPER_SCALE`) side by side, as text."""

    def text(v: object) -> str:
        if v is None:
            return "not stated"
        if isinstance(v, float):
            return f"{v:g}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    frame = pd.DataFrame({k: {q: text(v) for q, v in col.items()} for k, col in columns.items()})
    frame.index.name = "setting"
    return frame
