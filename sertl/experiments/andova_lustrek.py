"""Andova & Luštrek's grid: three scenarios and five transfer methods on feature vectors.

Two grids run through :func:`sertl.grid.run`:

- :func:`train_source` (cells from :func:`source_cells`): the FCNN trained on the
  whole source corpus, once per (source, seed); its fitted networks are shared
  with the second grid, which fine-tunes them per target subject.
- :func:`cell` (cells from :func:`cells`): one (source, target, seed, subject)
  cell. The subject is the target's one labelled training speaker; every
  method of the cell is tested on the same speech, that of the target's other
  subjects, so the methods are paired over target subjects: the independent
  unit of every interval and test here (seeds are nested inside subjects).

Every method of the paper is a row of a cell (:data:`METHODS`): the majority
classifier and the random forest in scenarios 1-3 (Table 2), and under
scenario 3 the DBN, the FCNN, the multi-task forest and the two
normalisations (Table 3), plus two named variants of normalisation 2 (bins per
emotion, the other reading of the paper's text, and a quantile warping). Scenario 1
trains on the whole source only; tested on the other subjects of each cell, its
mean over cells equals its accuracy on the whole target when subjects have as
many utterances each (SAVEE).

The summaries (:func:`summary`, :func:`verdicts`, :func:`findings`) turn the
tidy scores into tables and computed sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from .. import features, papers, verdict
from .. import grid as gridlib
from ..device import stable_seed
from ..emotions import FOUR_CLASS
from ..models import DBNClassifier, TransferFCNN
from ..transfer import DistributionBinner, MultiTaskForest, NeutralNormalizer, QuantileWarper
from ._base import GridOptions
from ._base import Settings as _Settings

PAPER = "andova_lustrek"
#: The four emotions (the paper's neutral, anger, joy and sadness).
EMOTIONS = FOUR_CLASS[PAPER]
TABLE2 = ("majority", "scenario 1", "scenario 2", "scenario 3")
TABLE3 = ("DBN", "FCNN", "multi-task", "normalisation 1", "normalisation 2")
#: Not the paper's: normalisation 2 as a smooth quantile warping of the source. (The other
#: reading of the paper's text, bins per emotion, bins the training speech per emotion but
#: unlabelled test speech pooled, so it scores near chance by construction: not run.)
QUANTILE = "normalisation 2, quantile warping"
VARIANTS = (QUANTILE,)
METHODS = TABLE2 + TABLE3 + VARIANTS
#: Methods that never see the target's speech: each cell scores them on its own subject's
#: speech, so that every subject is scored once and the subjects are independent test units
#: (their mean is the accuracy on the whole target when subjects are of one size).
OWN_SPEECH = ("scenario 1",)
#: The paper compares every transfer method with the scenario-2 random forest.
BASELINE = "scenario 2"
UNIT = "target subject"
COLUMNS = ["source", "target", "seed", "subject", "table", "method", "n_train", "n_test"]
COLUMNS += ["accuracy", "uar"]


@dataclass(frozen=True)
class Settings(_Settings):
    """Every option of the methods (the paper's values where it gives them).

    Attributes:
        n_trees: Trees of every random forest (the paper: 1000).
        max_depth: Their maximum depth (the paper: 10).
        n_bins: Bins of normalisation 2 (the paper: 5).
        fcnn_hidden: FCNN hidden layers (the paper: 1000, 500, 300).
        fcnn_epochs: FCNN epochs on the source (not in the paper).
        fcnn_finetune_epochs: Epochs of fine-tuning its output layer (not in the paper).
        fcnn_batch: FCNN mini-batch size (not in the paper).
        fcnn_lr: FCNN Adam learning rate (not in the paper).
        dbn_hidden: DBN layer sizes (Latif et al.'s are unknown to us).
        dbn_rbm_epochs: Pre-training epochs per RBM.
        dbn_epochs: DBN fine-tuning epochs.
        dbn_lr: DBN fine-tuning learning rate.
        dbn_batch: DBN mini-batch size.
        device: Torch device of the networks.
        methods: The methods to run (a subset of :data:`METHODS`).
    """

    n_trees: int = 1000
    max_depth: int | None = 10
    n_bins: int = 5
    fcnn_hidden: tuple[int, ...] = (1000, 500, 300)
    fcnn_epochs: int = 60
    fcnn_finetune_epochs: int = 60
    fcnn_batch: int = 32
    fcnn_lr: float = 1e-3
    dbn_hidden: tuple[int, ...] = (512, 256, 128)
    dbn_rbm_epochs: int = 10
    dbn_epochs: int = 60
    dbn_lr: float = 1e-3
    dbn_batch: int = 32
    device: str = "cpu"
    methods: tuple[str, ...] = field(default=METHODS)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.methods) - set(METHODS))
        if unknown:
            raise ValueError(f"unknown methods {unknown}; known: {list(METHODS)}")
        for name in ("fcnn_hidden", "dbn_hidden", "methods"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def dbn_kwargs(self) -> dict:
        """The DBN's keyword arguments (:class:`sertl.models.DBNClassifier`)."""
        return {
            "hidden": self.dbn_hidden,
            "rbm_epochs": self.dbn_rbm_epochs,
            "epochs": self.dbn_epochs,
            "lr": self.dbn_lr,
            "batch_size": self.dbn_batch,
        }


# ---------------------------------------------------------------------------------------
# Data


def relabel(table: pd.DataFrame, *, merge_excited: bool = False) -> pd.DataFrame:
    """The utterances of the four emotions; IEMOCAP's ``excited`` merged into happy on request.

    Andova & Luštrek's Table 1 counts 94 joyful IEMOCAP utterances, so they did
    not merge excited into happy (Lian et al. do); ``merge_excited=True`` does.
    """
    table = table.copy()
    if merge_excited:
        table["emotion"] = table["emotion"].replace({"excited": "happy"})
    out = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def prepare(
    tables: Mapping[str, pd.DataFrame], *, feature_set: str = "IS10", merge_excited: bool = False
) -> dict[str, dict]:
    """The four emotions of each corpus as feature arrays, ready to share with the cells.

    Args:
        tables: Corpus tables by name (standard columns ``file, speaker, emotion``).
        feature_set: openSMILE feature set (the paper's emobase2010 is ``"IS10"``).
        merge_excited: See :func:`relabel`.

    Returns:
        ``{name: {"X", "y", "speaker", "table"}}`` with ``y`` the emotion names.
    """
    extractor = features.OpenSmileExtractor(feature_set)
    out = {}
    for name, table in tables.items():
        table, X = features.extract_table(relabel(table, merge_excited=merge_excited), extractor)
        out[name] = {
            "X": np.asarray(X, dtype=np.float32),
            "y": table["emotion"].to_numpy(dtype=str),
            "speaker": table["speaker"].astype(str).to_numpy(),
            "table": table,
        }
    return out


def feature_names(feature_set: str) -> list[str]:
    """The names of an openSMILE feature set's columns."""
    return features.OpenSmileExtractor(feature_set).feature_names


def counts(corpora: Mapping[str, dict]) -> pd.DataFrame:
    """Utterances per emotion and subjects per corpus (the paper's Table 1, ours)."""
    rows = {}
    for name, c in corpora.items():
        row = pd.Series(c["y"]).value_counts().reindex(EMOTIONS, fill_value=0).astype(int)
        rows[name] = {**row.to_dict(), "subjects": len(set(c["speaker"]))}
    return pd.DataFrame.from_dict(rows, orient="index")


def target_subjects(
    corpora: Mapping[str, dict],
    targets: Sequence[str],
    *,
    max_subjects: int | None = None,
    seed: int = 0,
) -> dict[str, list[str]]:
    """The labelled training subjects of each target: all (the paper) or a random few.

    Args:
        corpora: From :func:`prepare`.
        targets: Target corpus names.
        max_subjects: At most this many per target, drawn at random; ``None``: all.
        seed: Seed of the draw.
    """
    out = {}
    for t in dict.fromkeys(targets):
        subjects = sorted(set(corpora[t]["speaker"]))
        if max_subjects is not None and len(subjects) > max_subjects:
            rng = np.random.default_rng(stable_seed(seed, t, "subjects"))
            subjects = sorted(rng.choice(subjects, max_subjects, replace=False).tolist())
        out[t] = subjects
    return out


# ---------------------------------------------------------------------------------------
# The grids


def source_cells(pairs: Sequence[Sequence[str]], seeds: Sequence[int]) -> list[dict]:
    """One cell per (source, seed): the FCNN's training on the whole source."""
    sources = dict.fromkeys(s for s, _ in pairs)
    return [{"source": s, "seed": int(k)} for s in sources for k in seeds]


def train_source(source: str, seed: int, *, corpora: Mapping[str, dict], settings: dict) -> list:
    """The FCNN trained on the whole source corpus (shared by every target subject)."""
    opts = Settings(**settings)
    c = corpora[source]
    model = source_model(
        c["X"],
        c["y"],
        hidden=opts.fcnn_hidden,
        epochs=opts.fcnn_epochs,
        fine_tune_epochs=opts.fcnn_finetune_epochs,
        lr=opts.fcnn_lr,
        batch_size=opts.fcnn_batch,
        device=opts.device,
        random_state=stable_seed(seed, source, "FCNN"),
    )
    return [{"fcnn": model, "source_loss": model.source_loss_[-1] if opts.fcnn_epochs else np.nan}]


def source_model(
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: Sequence[int] = (1000, 500, 300),
    epochs: int = 60,
    fine_tune_epochs: int = 60,
    lr: float = 1e-3,
    batch_size: int = 32,
    device: str = "cpu",
    random_state: int = 0,
) -> TransferFCNN:
    """The FCNN trained on a whole source (the source stage of ``fit_predict("FCNN")``)."""
    return TransferFCNN(
        hidden=hidden,
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        lr=lr,
        batch_size=batch_size,
        device=device,
        random_state=random_state,
    ).fit(x, y)


def cells(
    pairs: Sequence[Sequence[str]], seeds: Sequence[int], subjects: Mapping[str, Sequence[str]]
) -> list[dict]:
    """One cell per (source, target, seed, target subject).

    Args:
        pairs: ``[source, target]`` pairs.
        seeds: Seeds.
        subjects: The training subjects of each target (:func:`target_subjects`).
    """
    return [
        {"source": s, "target": t, "seed": int(k), "subject": str(subject)}
        for s, t in pairs
        for k in seeds
        for subject in subjects[t]
    ]


def _normalised(
    method: str,
    x3: np.ndarray,
    y3: np.ndarray,
    dom: np.ndarray,
    xe: np.ndarray,
    forest: RandomForestClassifier,
    n_bins: int,
) -> np.ndarray | None:
    """A forest on normalised features (source and labelled target speech in ``x3``)."""
    test_dom = np.full(len(xe), "target")
    if method == "normalisation 1":
        if "neutral" not in set(y3[dom == "target"]):
            return None  # the method needs the subject's neutral speech
        norm = NeutralNormalizer().fit(x3, y3, domain=dom)
        model = forest.fit(norm.transform(x3, domain=dom), y3)
        return model.predict(norm.transform(xe, domain=test_dom))
    if method == "normalisation 2":
        binner = DistributionBinner(n_bins=n_bins, edges="pooled").fit(x3, y3, domain=dom)
        model = forest.fit(binner.transform(x3, y3, domain=dom), y3)
        return model.predict(binner.transform(xe, domain=test_dom))
    warped = QuantileWarper(n_bins=n_bins).fit_transform(x3, y3, domain=dom)  # QUANTILE
    return forest.fit(warped, y3).predict(xe)


def fit_predict(
    method: str,
    xs: np.ndarray,
    ys: np.ndarray,
    xt: np.ndarray,
    yt: np.ndarray,
    xe: np.ndarray,
    *,
    random_state: int,
    n_trees: int = 1000,
    max_depth: int | None = 10,
    n_bins: int = 5,
    dbn: Mapping | None = None,
    device: str = "cpu",
    model: TransferFCNN | None = None,
) -> np.ndarray | None:
    """Train one of the paper's methods and predict the target's test speech.

    The majority class, the forests of scenarios 1-3 and, under scenario 3, the
    multi-task forest, the normalisations (:data:`VARIANTS` too), the DBN and the FCNN
    (from ``model``). Chapter 08 calls it too: both chapters run the same methods.

    Args:
        method: A name of :data:`METHODS`.
        xs: Source features.
        ys: Source emotions.
        xt: Features of the labelled target speech.
        yt: Its emotions.
        xe: Features of the target's test speech.
        random_state: The model's seed.
        n_trees: Trees of every forest (the paper: 1000).
        max_depth: Their maximum depth (the paper: 10).
        n_bins: Bins of normalisation 2 (the paper: 5).
        dbn: Keyword arguments of :class:`sertl.models.DBNClassifier` other than
            ``device`` and ``seed``.
        device: Torch device of the DBN.
        model: The source-trained FCNN (``"FCNN"`` only; it is not changed).

    Returns:
        The predicted emotions, or None where the method cannot run (normalisation 1
        without neutral speech in the labelled target speech).

    Raises:
        ValueError: An unknown method, or ``"FCNN"`` without ``model``.
    """
    x3, y3 = np.vstack([xs, xt]), np.concatenate([ys, yt])
    dom = np.array(["source"] * len(ys) + ["target"] * len(yt))

    def forest() -> RandomForestClassifier:
        return RandomForestClassifier(
            n_estimators=n_trees, max_depth=max_depth, random_state=random_state, n_jobs=1
        )

    if method == "majority":
        values, n = np.unique(yt, return_counts=True)
        return np.full(len(xe), values[n.argmax()])
    if method == "scenario 1":
        return forest().fit(xs, ys).predict(xe)
    if method == "scenario 2":
        return forest().fit(xt, yt).predict(xe)
    if method == "scenario 3":
        return forest().fit(x3, y3).predict(xe)
    if method == "multi-task":
        mt = MultiTaskForest(
            n_estimators=n_trees, max_depth=max_depth, random_state=random_state, n_jobs=1
        )
        return mt.fit(x3, y3, domain=dom).predict(xe)
    if method in ("normalisation 1", "normalisation 2", QUANTILE):
        return _normalised(method, x3, y3, dom, xe, forest(), n_bins)
    if method == "DBN":
        return (
            DBNClassifier(**dict(dbn or {}), device=device, random_state=random_state)
            .fit(x3, y3)
            .predict(xe)
        )
    if method == "FCNN":
        if model is None:
            raise ValueError("the FCNN fine-tunes a source-trained network: see train_source")
        return model.fine_tune(xt, yt).predict(xe)
    raise ValueError(f"unknown method {method!r}; known: {list(METHODS)}")


def cell(
    source: str,
    target: str,
    seed: int,
    subject: str,
    *,
    corpora: Mapping[str, dict],
    settings: dict,
    fcnn: Mapping[str, TransferFCNN] | None = None,
) -> list[dict]:
    """Every method for one target subject as the labelled target speech.

    Args:
        source: Source corpus.
        target: Target corpus.
        seed: Seed (each model's seed is derived from it and the cell).
        subject: The target's training subject; the other subjects are the test set.
        corpora: From :func:`prepare`.
        settings: ``dataclasses.asdict`` of :class:`Settings`.
        fcnn: Source-trained FCNNs by ``"source/seed"`` (from :func:`train_source`).

    Returns:
        One row per method (columns :data:`COLUMNS`).
    """
    opts = Settings(**settings)
    src, tgt = corpora[source], corpora[target]
    train = tgt["speaker"] == subject
    xs, ys = src["X"], src["y"]
    xt, yt, xe, ye = tgt["X"][train], tgt["y"][train], tgt["X"][~train], tgt["y"][~train]
    dbn = opts.dbn_kwargs()

    def predict(method: str) -> np.ndarray | None:
        if method == "FCNN":
            base = (fcnn or {}).get(f"{source}/{seed}")
            if base is None:
                raise KeyError(f"no source-trained FCNN for {source}/{seed}: run train_source")
            return base.fine_tune(xt, yt).predict(xe)
        # scenarios 1 and 2 do not depend on the subject or the source: same models everywhere
        parts = {"scenario 1": (source,), "scenario 2": (target, subject)}
        return fit_predict(
            method,
            xs,
            ys,
            xt,
            yt,
            xt if method in OWN_SPEECH else xe,
            random_state=stable_seed(seed, *parts.get(method, (source, target, subject)), method),
            n_trees=opts.n_trees,
            max_depth=opts.max_depth,
            n_bins=opts.n_bins,
            dbn=dbn,
            device=opts.device,
        )

    n_train = {"majority": len(yt), "scenario 1": len(ys), "scenario 2": len(yt)}
    rows = []
    for method in opts.methods:
        pred = predict(method)
        truth = yt if method in OWN_SPEECH else ye
        table = "Table 2" if method in TABLE2 else "Table 3" if method in TABLE3 else "variant"
        ok = pred is not None
        rows.append(
            {
                "source": source,
                "target": target,
                "seed": seed,
                "subject": subject,
                "table": table,
                "method": method,
                "n_train": n_train.get(method, len(ys) + len(yt)),
                "n_test": len(truth),
                "accuracy": 100 * accuracy_score(truth, pred) if ok else np.nan,
                "uar": 100 * balanced_accuracy_score(truth, pred) if ok else np.nan,
            }
        )
    return rows


def run(
    corpora: Mapping[str, dict],
    *,
    pairs: Sequence[Sequence[str]],
    seeds: Sequence[int],
    subjects: Mapping[str, Sequence[str]],
    settings: Settings,
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """Both grids: the source FCNNs, then every (pair, seed, subject) cell.

    Args:
        corpora: From :func:`prepare`; must hold every corpus of ``pairs``.
        pairs: ``[source, target]`` pairs.
        seeds: Seeds.
        subjects: Training subjects per target (:func:`target_subjects`).
        settings: The methods' options.
        grid: The runner's options (the settings are added to its fingerprint here).

    Returns:
        The scores, one row per method and cell (columns :data:`COLUMNS`).
    """
    pairs = [tuple(p) for p in pairs]
    opts = asdict(settings)
    common = (grid or GridOptions()).kwargs(f"{sorted(opts.items())!r}")
    fcnn = {}
    if "FCNN" in settings.methods:
        trained = gridlib.run(
            train_source,
            source_cells(pairs, seeds),
            name=f"{PAPER}_source",
            keys=["source", "seed"],
            shared={"corpora": {s: corpora[s] for s, _ in pairs}, "settings": opts},
            **common,
        )
        fcnn = {f"{r.source}/{r.seed}": r.fcnn for r in trained.itertuples()}
    scores = gridlib.run(
        cell,
        cells(pairs, seeds, subjects),
        name=PAPER,
        keys=["source", "target", "seed", "subject"],
        shared={"corpora": dict(corpora), "settings": opts, "fcnn": fcnn},
        **common,
    )
    if scores.empty:
        return pd.DataFrame(columns=COLUMNS)
    order = {m: i for i, m in enumerate(METHODS)}
    scores = scores.sort_values(
        ["source", "target", "seed", "subject", "method"],
        key=lambda c: c.map(order) if c.name == "method" else c,
        kind="mergesort",
    )
    return scores[COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Summaries


def _runs(scores: pd.DataFrame, source: str, target: str, method: str) -> pd.DataFrame:
    rows = scores[
        (scores["source"] == source) & (scores["target"] == target) & (scores["method"] == method)
    ]
    return rows.dropna(subset=["accuracy"]).sort_values(["subject", "seed"])


def _paired(
    scores: pd.DataFrame, source: str, target: str, a: str, b: str, **kwargs: object
) -> verdict.PairedTest:
    """``a`` against ``b`` over target subjects (seeds averaged within a subject first)."""
    ra = _runs(scores, source, target, a).set_index(["subject", "seed"])["accuracy"]
    rb = _runs(scores, source, target, b).set_index(["subject", "seed"])["accuracy"]
    both = pd.concat([ra.rename("a"), rb.rename("b")], axis=1).dropna()
    return verdict.paired(
        both["a"],
        both["b"],
        both.index.get_level_values("subject"),
        names=(a, b),
        unit=UNIT,
        **kwargs,
    )


def summary(scores: pd.DataFrame, published: pd.DataFrame, *, n_boot: int = 2000) -> pd.DataFrame:
    """Our accuracy per pair and method beside the paper's, with intervals and tests.

    Each Table 3 method (and the variant) is compared with the scenario-2
    random forest, as in the paper, by a paired t-test over target subjects,
    Bonferroni-adjusted over the methods of a pair.

    Returns:
        Columns ``source, target, table, method, paper, ours, low, high, n, unit,
        uar, vs_baseline, p_adjusted, outcome`` (``ours`` and ``uar`` in %, means over
        target subjects).
    """
    paper = published.set_index(["source", "target", "method"])["value"]
    rows = []
    for (source, target), group in scores.groupby(["source", "target"], sort=False):
        tests = {}
        for method in [m for m in METHODS if m in set(group["method"])]:
            runs = _runs(scores, source, target, method)
            if runs.empty:
                continue
            iv = verdict.interval(runs["accuracy"], runs["subject"], unit=UNIT, n_boot=n_boot)
            table = runs["table"].iloc[0]
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "table": table,
                    "method": method,
                    "paper": paper.get((source, target, method), np.nan),
                    "ours": iv.mean,
                    "uar": verdict.unit_means(runs["uar"], runs["subject"]).mean(),
                    "low": np.nan if iv.low is None else iv.low,
                    "high": np.nan if iv.high is None else iv.high,
                    "n": iv.n_units,
                    "unit": UNIT,
                }
            )
            if table != "Table 2" and BASELINE in set(group["method"]):
                tests[len(rows) - 1] = _paired(scores, source, target, method, BASELINE)
        for i, test in zip(tests, verdict.adjust(list(tests.values())), strict=True):
            rows[i].update(
                vs_baseline=test.difference,
                p_adjusted=test.p_used,
                outcome=test.outcome if test.n_units >= verdict.MIN_UNITS else "n < 3",
            )
    columns = ["source", "target", "table", "method", "paper", "ours", "low", "high", "n"]
    columns += ["unit", "uar", "vs_baseline", "p_adjusted", "outcome"]
    return pd.DataFrame(rows).reindex(columns=columns)


def table_view(summary: pd.DataFrame, verdicts: pd.DataFrame, table: str) -> pd.DataFrame:
    """One published table beside ours, rounded, for the page.

    Args:
        summary: From :func:`summary`.
        verdicts: ``verdict.table`` of :func:`verdicts`.
        table: ``"Table 2"`` or ``"Table 3"`` (with the scenario-2 baseline and the variants).
    """
    if table == "Table 3":
        keep = summary["table"].isin(["Table 3", "variant"]) | (summary["method"] == BASELINE)
    else:
        keep = summary["table"] == table
    rows = summary[keep].copy()
    status = verdicts.set_index(["source", "target", "method", "table"])["status"]

    def interval(r: pd.Series) -> str:
        ci = f" [{r['low']:.1f}, {r['high']:.1f}]" if np.isfinite(r["low"]) else ""
        return f"{r['ours']:.1f}{ci}"

    view = pd.DataFrame(
        {
            "pair": rows["source"] + " → " + rows["target"],
            "method": rows["method"].where(rows["method"] != BASELINE, "baseline (scenario 2)")
            if table == "Table 3"
            else rows["method"],
            "paper": rows["paper"].map(lambda v: f"{v:.0f}" if np.isfinite(v) else "–"),
            "ours (95 % CI)": rows.apply(interval, axis=1),
            "UAR": rows["uar"].round(1),
        }
    )
    if table == "Table 3":
        view["vs scenario 2"] = rows["vs_baseline"].map(
            lambda v: f"{v:+.1f}" if np.isfinite(v) else ""
        )
        view["p (Bonferroni)"] = rows["p_adjusted"].map(
            lambda v: verdict.p_text(v).removeprefix("p = ") if np.isfinite(v) else ""
        )
    view["verdict"] = [
        status.get((r.source, r.target, r.method, table), "") for r in rows.itertuples()
    ]
    return view.set_index(["pair", "method"])


def power_note(summary: pd.DataFrame, alpha: float = 0.05) -> str:
    """How wide the intervals over target subjects are, given their number."""
    rows = summary.dropna(subset=["low", "high"])
    if rows.empty:
        return ""
    parts = []
    for target, g in rows.groupby("target", sort=False):
        n = int(g["n"].min())
        width = float((g["high"] - g["low"]).median() / 2)
        parts.append(f"{target}: {n} subjects, median half-width {width:.1f} points")
    return (
        f"Intervals are Student-t intervals over target subjects ({'; '.join(parts)}). "
        "A difference smaller than the half-width cannot be told from 0, and a published value "
        "is called reproduced only when the whole interval lies within the margin around it."
    )


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    available: Sequence[str],
    n_boot: int = 2000,
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell: compared where its pair ran, else why not.

    Args:
        scores: From :func:`run`.
        published: ``sertl.papers.published("andova_lustrek")``.
        data: ``"real"`` or ``"synthetic"``.
        available: The corpora this run could load.
        n_boot: Unused (intervals are Student-t); kept for callers.
        margin: Margin of equivalence, in points.
    """
    built = papers.spec(PAPER).get("by_construction", {}) or {}
    out = []
    for _, row in published.iterrows():
        runs = _runs(scores, row["source"], row["target"], row["method"])
        if not runs.empty:
            out.append(
                verdict.compare(
                    row,
                    runs["accuracy"],
                    runs["subject"],
                    unit=UNIT,
                    data=data,
                    n_boot=n_boot,
                    margin=margin,
                    seeds=runs["seed"],
                    by_construction=" ".join(str(built.get(row["method"], "")).split()),
                )
            )
            continue
        missing = [c for c in (row["source"], row["target"]) if c not in set(available)]
        reason = (
            f"{' and '.join(missing)} not configured (SERTL_DATA)"
            if missing
            else "pair not among this run's `pairs`"
        )
        out.append(verdict.not_run(row, reason))
    return out


def findings(scores: pd.DataFrame, published: pd.DataFrame) -> list[str]:
    """The paper's findings, each tested on our numbers, as computed sentences.

    Per pair: scenario 1 against the majority classifier (the paper finds
    scenario 1 the poorest, mostly not above the majority), scenario 3 against
    scenario 2 (the paper finds scenario 3 overall poorer, though better on two
    SAVEE rows), and the transfer method with the largest gain over the
    scenario-2 baseline, ours beside the paper's.
    """
    paper = published.set_index(["source", "target", "method"])["value"]
    out = []
    for (source, target), group in scores.groupby(["source", "target"], sort=False):
        name = f"**{source} → {target}**"
        methods = set(group["method"])
        for a, b in (("scenario 1", "majority"), ("scenario 3", "scenario 2")):
            if not {a, b} <= methods:
                continue
            test = _paired(scores, source, target, a, b)
            pa, pb = (paper.get((source, target, m), np.nan) for m in (a, b))
            said = (
                f" The paper: {pa - pb:+.0f} points ({pa:g} against {pb:g})."
                if np.isfinite(pa) and np.isfinite(pb)
                else ""
            )
            out.append(f"{name}: {test.sentence}{said}")
        transfer = [m for m in TABLE3 if m in methods]
        if transfer and BASELINE in methods:
            means = {m: _runs(scores, source, target, m)["accuracy"].mean() for m in transfer}
            base = _runs(scores, source, target, BASELINE)["accuracy"].mean()
            best = max(means, key=lambda m: means[m])
            text = (
                f"{name}: the best of our transfer methods is {best}, {means[best] - base:+.1f} "
                f"points against the scenario-2 baseline"
            )
            ours_paper = {m: paper.get((source, target, m), np.nan) for m in transfer}
            if all(np.isfinite(v) for v in ours_paper.values()):
                top = max(ours_paper.values())
                p_best = " and ".join(m for m, v in ours_paper.items() if v == top)
                p_base = paper.get((source, target, BASELINE), np.nan)
                text += f"; the paper's is {p_best}, {top - p_base:+.0f} points"
            out.append(text + ".")
    return out


def overall(scores: pd.DataFrame, published: pd.DataFrame) -> str:
    """Scenario 3 against scenario 2 over all pairs that ran, ours and the paper's."""
    s = scores[scores["method"].isin(["scenario 2", "scenario 3"])]
    if s.empty:
        return ""
    ours = s.groupby(["source", "target", "method"])["accuracy"].mean().unstack("method")
    ours = ours.dropna()
    if ours.empty or not {"scenario 2", "scenario 3"} <= set(ours.columns):
        return ""
    pub = published.set_index(["source", "target", "method"])["value"].unstack("method")
    gap = pub["scenario 3"] - pub["scenario 2"]

    def where(d: float) -> str:
        return f"{abs(d):.1f} points {'above' if d > 0 else 'below'}"

    diff = (ours["scenario 3"] - ours["scenario 2"]).mean()
    pairs = len(ours)
    text = (
        f"Averaged over our {pairs} pair{'s' if pairs > 1 else ''}, scenario 3 lies "
        f"{where(diff)} scenario 2; over the paper's six pairs it lies {where(gap.mean())}"
    )
    same = gap.reindex(ours.index).dropna()
    if 0 < len(same) < len(gap):
        text += (
            f" (over the same {len(same)} pair{'s' if len(same) > 1 else ''}: {where(same.mean())})"
        )
    return text + "."


# ---------------------------------------------------------------------------------------
# Figures


def plot_methods(table: pd.DataFrame, *, ncols: int = 2) -> plt.Figure:
    """Our accuracy per method (with its interval) beside the paper's, one panel per pair.

    Args:
        table: From :func:`summary`.
        ncols: Panels per row.
    """
    groups = list(table.groupby(["source", "target"], sort=False))
    methods = [m for m in METHODS if m in set(table["method"])]
    pos = {m: len(methods) - 1 - i for i, m in enumerate(methods)}
    nrows = -(-len(groups) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(7.5, 0.9 + 0.22 * len(methods) * nrows), squeeze=False, sharey=True
    )
    for ax, ((source, target), g) in zip(axes.flat, groups, strict=False):
        y = g["method"].map(pos)
        low = (g["ours"] - g["low"]).fillna(0).clip(lower=0)
        high = (g["high"] - g["ours"]).fillna(0).clip(lower=0)
        ax.errorbar(g["ours"], y, xerr=[low, high], fmt="o", color="C0", label="ours (95 % CI)")
        ax.plot(g["paper"], y, "x", color="C3", ms=7, label="paper")
        ax.set_title(f"{source} → {target}")
        ax.set_xlabel("accuracy (%)")
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].set_yticks(list(pos.values()), list(pos))
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def figure_subject(
    corpora: Mapping[str, dict],
    pairs: Sequence[Sequence[str]],
    subjects: Mapping[str, Sequence[str]],
    emotion: str = "neutral",
) -> tuple[str, str, str] | None:
    """The first pair whose source has ``emotion`` speech, and its first target subject with some.

    The feature-views figure shows one emotion; a subject without it (common in a
    user's corpus) would leave the target's panels empty and normalisation 1 unfit.

    Returns:
        (source, target, subject), or None when no pair has one.
    """
    for source, target in pairs:
        if emotion not in set(corpora[source]["y"]):
            continue
        tgt = corpora[target]
        for subject in subjects.get(target, ()):
            if np.any((tgt["speaker"] == subject) & (tgt["y"] == emotion)):
                return source, target, subject
    return None


def plot_feature_views(
    corpora: Mapping[str, dict],
    *,
    source: str,
    target: str,
    subject: str,
    column: int,
    feature: str,
    n_bins: int = 5,
    emotion: str = "neutral",
) -> plt.Figure:
    """One feature of one emotion in source and target, raw and after each normalisation.

    The paper's Figure 1 shows a loudness feature of neutral speech in two
    corpora; here the same, before and after the normalisations fitted on the
    whole source and one target subject. Each panel has its own axes.
    """
    src, tgt = corpora[source], corpora[target]
    train = tgt["speaker"] == subject
    x3 = np.vstack([src["X"], tgt["X"][train]])
    y3 = np.concatenate([src["y"], tgt["y"][train]])
    dom = np.array(["source"] * len(src["y"]) + ["target"] * int(train.sum()))
    s, t = dom == "source", dom == "target"
    norm1 = NeutralNormalizer().fit_transform(x3, y3, domain=dom)
    norm2 = DistributionBinner(n_bins=n_bins).fit_transform(x3, y3, domain=dom)
    warped = QuantileWarper(n_bins=n_bins).fit_transform(x3, y3, domain=dom)
    views = {
        "raw": x3,
        "normalisation 1 (neutral speech)": norm1,
        "normalisation 2 (bin index)": norm2,
        "variant: quantile warping": warped,
    }
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 5.2))
    for ax, (title, values) in zip(axes.flat, views.items(), strict=True):
        for rows, name, colour in ((s, source, "C0"), (t, f"{target} {subject}", "C1")):
            v = values[rows & (y3 == emotion), column]
            if title.startswith("normalisation 2"):
                share = np.bincount(v.astype(int), minlength=n_bins) / max(len(v), 1)
                offset = -0.2 if colour == "C0" else 0.2
                ax.bar(np.arange(n_bins) + offset, share, width=0.4, color=colour, label=name)
                ax.set_xticks(range(n_bins))
                ax.set_ylabel("share")
            else:
                ax.hist(v, bins=12, density=True, alpha=0.5, color=colour, label=name)
                ax.set_ylabel("density")
        ax.set_title(f"{title}")
        kind = {"raw": "", "normalisation 2 (bin index)": "bin of "}.get(title, "normalised ")
        ax.set_xlabel(f"{kind}{feature}", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.suptitle(f"{emotion} speech: {source} (source) and one {target} subject (target)")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
