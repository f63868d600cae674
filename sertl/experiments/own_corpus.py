"""Your own corpus against the registered ones: the cross-corpus table of chapter 07.

One grid runs through :func:`sertl.grid.run`: :func:`cell` trains a classifier
on one corpus (a registered *source*, or the user's corpus itself under
speaker-independent folds, the within-corpus reference) and tests it on the
user's corpus. Every cell returns the UAR (in percent, as every experiment
stores it) on the whole test corpus and on each of its speakers: the speakers
are the independent units of every interval and paired test (the files of one
speaker are not independent of each other).

The chapter builds its :class:`Settings` in one call
(``Settings.from_params(params)``) and runs the grid with :func:`run`.

The options are the ones that matter most when corpora differ: the acoustic
feature set (openSMILE IS10 or eGeMAPS), the classifier (random forest or SVM)
and how features are standardised (:data:`STANDARDISE`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from .. import grid as gridlib
from .. import verdict
from ..corpora import require_speakers
from ..device import stable_seed
from ..metrics import uar
from ._base import GridOptions, unit_scores
from ._base import Settings as _Settings

CLASSIFIERS = ("forest", "svm")
#: ``source``: with the training data's statistics (the usual pipeline);
#: ``corpus``: each corpus with its own statistics; ``speaker``: each speaker
#: with its own (the test speakers' unlabelled speech included, as a deployed
#: system could once it has heard a speaker).
STANDARDISE = ("source", "corpus", "speaker")
#: How each standardisation reads in a sentence.
SCALING_WORDS = {
    "source": "standardised with the training data's statistics",
    "corpus": "standardised per corpus",
    "speaker": "standardised per speaker",
}
WITHIN = "within"
UNIT = "speaker"
#: The grid's rows: ``uar`` in percent, ``n`` the test files of the row's scope.
COLUMNS = ["train", "features", "classifier", "standardise", "scope", "speaker", "n", "uar"]
#: The grid's name in the store (and the chapter's).
NAME = "07_own_corpus"
KEYS = ["train", "features", "classifier", "standardise", "scope", "speaker"]


@dataclass(frozen=True)
class Settings(_Settings):
    """The options every cell shares (the grid's axes are :func:`cells`' arguments).

    Attributes:
        n_trees: Trees of the random forest.
        n_splits: Speaker-independent folds of the within-corpus reference (at
            most one per speaker of the target).
    """

    n_trees: int = 200
    n_splits: int = 5

    def __post_init__(self) -> None:
        if self.n_trees < 1:
            raise ValueError(f"n_trees must be at least 1, got {self.n_trees}")
        if self.n_splits < 2:
            raise ValueError(f"n_splits must be at least 2 (folds), got {self.n_splits}")


def zscore(x: np.ndarray, groups: Sequence) -> np.ndarray:
    """Z-score ``x`` within each group (a corpus or a speaker) with the group's own statistics."""
    x = np.asarray(x, dtype=float)
    groups = np.asarray(groups)
    out = np.empty_like(x)
    for g in np.unique(groups):
        rows = groups == g
        out[rows] = (x[rows] - x[rows].mean(0)) / (x[rows].std(0) + 1e-8)
    return out


def make_classifier(name: str, n_trees: int = 200, seed: int = 0) -> ClassifierMixin:
    """A random forest (``forest``) or an RBF support vector machine (``svm``), class-balanced."""
    if name == "forest":
        return RandomForestClassifier(
            n_estimators=n_trees, class_weight="balanced", random_state=seed, n_jobs=1
        )
    if name == "svm":
        return SVC(C=1.0, kernel="rbf", class_weight="balanced", random_state=seed)
    raise ValueError(f"unknown classifier {name!r}; known: {list(CLASSIFIERS)}")


def _scale(
    x_train: np.ndarray,
    x_test: np.ndarray,
    how: str,
    train_groups: Sequence,
    test_groups: Sequence,
) -> tuple[np.ndarray, np.ndarray]:
    if how == "source":
        scaler = StandardScaler().fit(x_train)
        return scaler.transform(x_train), scaler.transform(x_test)
    if how == "corpus":
        return zscore(x_train, np.zeros(len(x_train))), zscore(x_test, np.zeros(len(x_test)))
    if how == "speaker":
        return zscore(x_train, train_groups), zscore(x_test, test_groups)
    raise ValueError(f"unknown standardisation {how!r}; known: {list(STANDARDISE)}")


def _scores(y_true: np.ndarray, y_pred: np.ndarray, speakers: np.ndarray | None) -> list[dict]:
    """UAR (%) on the whole target, then per speaker (the contract's :func:`unit_scores`)."""
    rows = [{"scope": "corpus", "speaker": "", "n": len(y_true), "uar": 100 * uar(y_true, y_pred)}]
    if speakers is not None:
        per = unit_scores(y_true, y_pred, speakers, unit_column="speaker", scope="speaker")
        # this table has always called the test size ``n`` (its corpus rows too)
        rows += [{("n" if k == "n_test" else k): v for k, v in row.items()} for row in per]
    return rows


def cell(
    train: str,
    features: str,
    classifier: str,
    standardise: str,
    seed: int,
    *,
    data: Mapping[tuple[str, str], tuple[pd.DataFrame, np.ndarray]],
    target: str,
    n_trees: int = 200,
    n_splits: int = 5,
) -> list[dict]:
    """Train on ``train`` (a source corpus, or :data:`WITHIN`) and test on ``target``.

    Args:
        train: A source corpus name, or ``"within"``: the target itself in
            speaker-independent folds (``n_splits``, at most one per speaker).
        features: The feature set (a key of ``data``, with the corpus).
        classifier: One of :data:`CLASSIFIERS`.
        standardise: One of :data:`STANDARDISE`.
        seed: The master seed (the cell derives its own).
        data: (corpus, feature set) -> (table, ``X``), restricted to shared emotions.
        target: The user's corpus.
        n_trees: Trees of the random forest.
        n_splits: Folds of the within-corpus reference.

    Returns:
        Rows with the UAR (%) on the whole target and on each of its speakers.

    Raises:
        CorpusError: Per-speaker standardisation or the within-corpus reference
            on a target without speakers.
    """
    own_seed = stable_seed(seed, train, features, classifier, standardise)
    test, x_test = data[(target, features)]
    y_test = test["emotion"].astype(str).to_numpy()
    has_speakers = not test["speaker"].isna().any()
    speakers = test["speaker"].astype(str).to_numpy() if has_speakers else None
    if standardise == "speaker":
        require_speakers(test, "per-speaker standardisation")
    if train == WITHIN:
        require_speakers(test, "the within-corpus reference (speaker-independent folds)")
        pred = np.empty(len(test), dtype=object)
        folds = GroupKFold(n_splits=min(n_splits, len(set(speakers.tolist()))))
        for tr, te in folds.split(x_test, y_test, speakers):
            x_tr, x_te = _scale(x_test[tr], x_test[te], standardise, speakers[tr], speakers[te])
            model = make_classifier(classifier, n_trees, own_seed).fit(x_tr, y_test[tr])
            pred[te] = model.predict(x_te)
    else:
        source, x_source = data[(train, features)]
        if standardise == "speaker":
            require_speakers(source, "per-speaker standardisation")
        x_tr, x_te = _scale(
            x_source,
            x_test,
            standardise,
            source["speaker"].astype(str).to_numpy(),
            speakers if speakers is not None else np.zeros(len(test)),
        )
        model = make_classifier(classifier, n_trees, own_seed)
        pred = model.fit(x_tr, source["emotion"].astype(str).to_numpy()).predict(x_te)
    rows = _scores(y_test, np.asarray(pred, dtype=str), speakers)
    for row in rows:
        row.update(train=train, features=features, classifier=classifier, standardise=standardise)
    return rows


def cells(
    sources: Sequence[str],
    feature_sets: Sequence[str],
    classifiers: Sequence[str],
    standardisations: Sequence[str],
    seed: int,
    within: bool = True,
) -> list[dict]:
    """The grid: each source (and the within reference) x features x classifier x scaling."""
    trains = list(sources) + ([WITHIN] if within else [])
    return [
        {
            "train": t,
            "features": f,
            "classifier": c,
            "standardise": s,
            "seed": seed,
        }
        for t in trains
        for f in feature_sets
        for c in classifiers
        for s in standardisations
    ]


def run(
    data: Mapping[tuple[str, str], tuple[pd.DataFrame, np.ndarray]],
    *,
    target: str,
    sources: Sequence[str],
    feature_sets: Sequence[str],
    classifiers: Sequence[str],
    standardisations: Sequence[str],
    seed: int,
    within: bool = True,
    settings: Settings | None = None,
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """The whole grid (:func:`cells`) through :func:`sertl.grid.run`.

    Args:
        data: (corpus, feature set) -> (table, ``X``) of the target and every source.
        target: The user's corpus.
        sources: Registered corpora to train on.
        feature_sets: Feature sets (keys of ``data``, with the corpus).
        classifiers: Names of :data:`CLASSIFIERS`.
        standardisations: Names of :data:`STANDARDISE`.
        seed: The master seed.
        within: Add the within-corpus reference (needs the target's speakers).
        settings: The cells' shared options (default: :class:`Settings`'s defaults).
        grid: The runner's options (the settings are added to its fingerprint here).

    Returns:
        One row per cell and scope (columns :data:`COLUMNS` and ``seed``), sorted by
        :data:`KEYS`.
    """
    options = (settings or Settings()).as_dict()
    return gridlib.run(
        cell,
        cells(sources, feature_sets, classifiers, standardisations, seed, within=within),
        name=NAME,
        keys=KEYS,
        shared={"data": data, "target": target, **options},
        # the options are shared, not cell parameters: the store key needs them
        **(grid or GridOptions()).kwargs(f"{sorted(options.items())!r}"),
    )


def table(results: pd.DataFrame) -> pd.DataFrame:
    """UAR (%) on the whole target: one row per training corpus, features and classifier."""
    whole = results[results["scope"] == "corpus"]
    out = whole.pivot_table(
        index=["train", "features", "classifier"], columns="standardise", values="uar"
    )
    out = out.round(1)
    out.columns.name = "standardised per"
    order = [s for s in STANDARDISE if s in out.columns]
    return out[order]


def best(results: pd.DataFrame, within: bool = False) -> pd.Series:
    """The setting with the highest UAR on the whole target (cross-corpus, or within)."""
    whole = results[results["scope"] == "corpus"]
    whole = whole[(whole["train"] == WITHIN) == within]
    return whole.sort_values(["uar", "train", "features"], ascending=[False, True, True]).iloc[0]


def per_speaker(results: pd.DataFrame, setting: Mapping[str, str]) -> pd.Series:
    """UAR (%) per test speaker of one setting (``train``, ``features``, ...)."""
    rows = results[results["scope"] == "speaker"]
    for key in ("train", "features", "classifier", "standardise"):
        rows = rows[rows[key] == setting[key]]
    return rows.set_index("speaker")["uar"]


def findings(results: pd.DataFrame, target: str, data_kind: str) -> list[str]:
    """Computed sentences: the best cross-corpus setting, the gap to within, standardisation.

    Args:
        results: The grid's rows (UAR in percent).
        target: The user's corpus name.
        data_kind: ``"real"`` or ``"synthetic"``, stated in the first sentence.

    Returns:
        Markdown sentences.
    """
    out = []
    top = best(results)
    per = per_speaker(results, top)
    whole_rows = results[(results["scope"] == "corpus") & (results["train"] != WITHIN)]
    n_settings = len(whole_rows.groupby(["train", "features", "classifier", "standardise"]))
    where = f"on {data_kind} data"
    whole = f"UAR {top['uar']:.1f} % on all of {target}"
    if len(per):
        iv = verdict.interval(per.to_numpy(), per.index, unit=UNIT)
        whole += f"; per speaker {iv.text()}"
    out.append(
        f"Best cross-corpus setting {where}: trained on **{top['train']}** with "
        f"{top['features']}, {top['classifier']}, {SCALING_WORDS[top['standardise']]}: "
        f"{whole}. It is the best of {n_settings} settings on these same test speakers, so "
        "its score is optimistic; the whole grid is in the table above."
    )
    if (results["train"] == WITHIN).any():
        ref = best(results, within=True)
        ref_per = per_speaker(results, ref)
        same = ref_per.index.intersection(per.index)
        gap = verdict.paired(
            ref_per[same].to_numpy(),
            per[same].to_numpy(),
            same,
            names=(
                f"training on {target} itself ({ref['features']}, {ref['classifier']})",
                f"training on {top['train']}",
            ),
            unit=UNIT,
        )
        out.append(
            f"The within-corpus reference (speaker-independent folds) reaches UAR "
            f"{ref['uar']:.1f} %; {gap.sentence}"
        )
    if {"speaker", "source"} <= set(results["standardise"]) and len(per):
        base = dict(top)
        base["standardise"] = "source"
        alt = dict(top)
        alt["standardise"] = "speaker"
        a, b = per_speaker(results, alt), per_speaker(results, base)
        same = a.index.intersection(b.index)
        test = verdict.paired(
            a[same].to_numpy(),
            b[same].to_numpy(),
            same,
            names=("per-speaker standardisation", "standardisation with the source's statistics"),
            unit=UNIT,
        )
        out.append(
            f"For {top['train']} with {top['features']} and {top['classifier']}: {test.sentence}"
        )
    return out
