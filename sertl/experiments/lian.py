"""Lian et al.'s grid: the pairwise discriminative task against softmax baselines.

One grid, run through :func:`sertl.grid.run`: every cell trains one model, for one
seed and one variant (the pairwise task on ``proposed_duration``-second crops, or the
softmax baseline on crops of one of ``durations`` seconds), on a fixed speaker split
(:class:`sertl.protocols.FixedSpeakerSplit`: Lian et al.'s sessions 1-3 / 4 / 5 on
IEMOCAP, the same rule on the sorted speakers of any other corpus). The cell's tidy
rows hold its test predictions, and, for the pairwise task, its training curve and
the training vectors the figures draw. The independent unit of every score is the test speaker.

The summaries (:func:`per_speaker`, :func:`table3`, :func:`verdicts`, :func:`claims`)
turn them into tables and computed sentences; :func:`duration_table`,
:func:`crop_coverage` and :func:`choose_stand_in` measure what the crop lengths of the
duration baselines mean on a corpus.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import features, grid, verdict
from ..device import stable_seed
from ..metrics import uar
from ..models.lian import (
    SpectrogramNorm,
    embed,
    encoder_parameters,
    predict_softmax,
    svm_uar,
    train_pairwise,
    train_softmax,
)
from ._base import Settings as _Settings

EMOTIONS = ("angry", "happy", "sad", "neutral")
PAIRWISE = "pairwise discriminative task"
UNIT = "test speaker"
PAPER = "lian"
#: The corpus of the paper's Table 3 (any other corpus is a stand-in).
PAPER_CORPUS = "iemocap"
#: What the paper states of its own scale (Section 3, Tables 1 and 2); None: not stated.
PAPER_SCALE = {
    "training utterances": 3259,
    "training pairs in all": "above 4 million (its pair set)",
    "pairs per epoch": None,
    "pairwise epochs": None,
    "softmax epochs": None,
    "encoder layers (channels, kernel, stride)": "five conv + FC (figure missing)",
    "encoder parameters": None,
    "learning rate": 1e-5,
    "batch size": 32,
    "seeds": None,
}


def baseline(duration: float) -> str:
    """The method name of the softmax baseline on ``duration``-second crops."""
    return f"baseline {duration:g} s"


# ---------------------------------------------------------------------------------------
# data and split


def prepare(
    table: pd.DataFrame, *, merge_excited: bool = True, emotions: Sequence[str] = EMOTIONS
) -> pd.DataFrame:
    """The four emotions of a corpus table, with excited merged into happy.

    Args:
        table: A standard corpus table.
        merge_excited: Relabel ``excited`` as ``happy`` first (Lian et al. on IEMOCAP).
        emotions: The classes kept.

    Returns:
        The rows of ``emotions``, index reset, ``attrs`` kept.
    """
    out = table.copy()
    if merge_excited:
        out["emotion"] = out["emotion"].replace({"excited": "happy"})
    out = out[out["emotion"].isin(list(emotions))].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def split_groups(table: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The groups the fixed split divides: sessions where they hold speakers, else speakers.

    Sessions are used when every utterance has one, there are at least three, and no
    speaker appears in two of them (IEMOCAP, MSP-IMPROV); otherwise speakers.

    Returns:
        The group of each row and its kind (``"session"`` or ``"speaker"``).
    """
    sessions = table["session"] if "session" in table else None
    if sessions is not None and sessions.notna().all() and sessions.nunique() >= 3:
        if (table.groupby("speaker")["session"].nunique() == 1).all():
            return sessions.astype(str).to_numpy(), "session"
    return table["speaker"].astype(str).to_numpy(), "speaker"


def split_members(table: pd.DataFrame, split: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Which groups and how many utterances of each emotion every part holds."""
    groups, kind = split_groups(table)
    rows = []
    for part, idx in split.items():
        counts = table["emotion"].iloc[idx].value_counts()
        rows.append(
            {
                "part": part,
                f"{kind}s": ", ".join(sorted(set(groups[idx]))),
                **{e: int(counts.get(e, 0)) for e in EMOTIONS},
                "total": len(idx),
            }
        )
    return pd.DataFrame(rows).set_index("part")


# ---------------------------------------------------------------------------------------
# durations against the crop lengths


def duration_table(
    tables: Mapping[str, pd.DataFrame], crops: Sequence[float], *, merge_excited: bool = True
) -> pd.DataFrame:
    """Each corpus's clip durations against the crop lengths (four emotions only).

    A ``d``-second crop holds more audio than a shorter one only for clips longer than
    the shorter crop, so the share of clips longer than each crop says how far the
    duration baselines can differ on a corpus.

    Returns:
        One row per corpus: ``corpus, data, clips, median_s`` and ``longer_than_<d>s``
        (percent of clips longer than ``d`` seconds) for each crop.
    """
    rows = []
    for name, table in tables.items():
        d = prepare(table, merge_excited=merge_excited)["duration"].to_numpy(float)
        row = {
            "corpus": name,
            "data": table.attrs.get("origin", ""),
            "clips": len(d),
            "median_s": float(np.median(d)) if len(d) else np.nan,
        }
        for c in crops:
            row[f"longer_than_{c:g}s"] = 100 * float(np.mean(d > c)) if len(d) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def duration_sentences(table: pd.DataFrame, min_share: float = 5.0) -> list[str]:
    """Per corpus of :func:`duration_table`: from which crop on the longer crops add nothing.

    A crop adds audio to the next shorter crop ``c`` only for the clips longer than
    ``c``; once fewer than ``min_share`` percent are, every longer crop holds the same
    audio as ``c`` for the other clips.
    """
    crops = sorted(float(c.removeprefix("longer_than_")[:-1]) for c in table if "longer" in c)
    out = []
    for row in table.itertuples(index=False):
        share = {c: getattr(row, f"longer_than_{c:g}s") for c in crops}
        text = f"{row.corpus} ({row.data})"
        empty = next((c for c in crops[:-1] if share[c] < min_share), None)
        if empty is None:
            text += f": every crop adds audio for at least {min_share:g} % of the clips."
        else:
            longer = [f"{c:g} s" for c in crops if c > empty]
            names = longer[0] if len(longer) == 1 else ", ".join(longer[:-1]) + " and " + longer[-1]
            subject = f"the {names} crop holds" if len(longer) == 1 else f"crops of {names} hold"
            text += (
                f": {subject} the same audio as the {empty:g} s crop for "
                f"{100 - share[empty]:.1f} % of its clips."
            )
        out.append(text)
    return out


def choose_stand_in(
    tables: Mapping[str, pd.DataFrame],
    proposed_duration: float,
    *,
    merge_excited: bool = True,
) -> str:
    """The stand-in corpus on which the duration baselines differ most.

    The rule: among corpora with at least three speakers (a fixed split needs a train,
    a validation and a test group), the one with the largest share of clips longer than
    the proposed crop; ties go to the first named.

    Raises:
        ValueError: No corpus has three speakers.
    """
    best, best_share = None, -1.0
    for name, table in tables.items():
        part = prepare(table, merge_excited=merge_excited)
        if len(np.unique(split_groups(part)[0])) < 3 or not len(part):
            continue
        share = float(np.mean(part["duration"].to_numpy(float) > proposed_duration))
        if share > best_share:
            best, best_share = name, share
    if best is None:
        raise ValueError(f"none of {list(tables)} has three speakers for a fixed split")
    return best


def crop_coverage(
    durations: Sequence[float], crops: Sequence[float], proposed_duration: float
) -> pd.DataFrame:
    """What each crop adds, on a set of clips (for example the test speakers').

    Returns:
        One row per crop: ``crop_s``, ``cut`` (percent of clips longer than the crop),
        ``more_than_proposed`` (percent of clips for which the crop holds more audio
        than the proposed crop) and ``more_than_previous`` (the same against the next
        shorter crop; NaN for the shortest).
    """
    d = np.asarray(durations, dtype=float)
    ordered = sorted(crops)
    rows = []
    for i, c in enumerate(ordered):
        rows.append(
            {
                "crop_s": c,
                "cut": 100 * float(np.mean(d > c)),
                "more_than_proposed": 100 * float(np.mean(d > proposed_duration))
                if c > proposed_duration
                else 0.0,
                "more_than_previous": 100 * float(np.mean(d > ordered[i - 1])) if i else np.nan,
            }
        )
    return pd.DataFrame(rows)


def crop_sentence(coverage: pd.DataFrame, corpus: str, min_share: float = 5.0) -> str:
    """Say, from :func:`crop_coverage`, which duration baselines can differ at all."""
    longer = coverage.dropna(subset=["more_than_previous"])
    if longer.empty:
        return ""
    same = longer[longer["more_than_previous"] < min_share]
    parts = [
        f"a {r.crop_s:g} s crop holds more audio than the next shorter one for "
        f"{r.more_than_previous:.1f} % of the test clips"
        for r in longer.itertuples()
    ]
    text = f"On {corpus}, " + "; ".join(parts) + "."
    if len(same):
        crops = [f"{c:g} s" for c in same["crop_s"]]
        names = crops[0] if len(crops) == 1 else ", ".join(crops[:-1]) + " and " + crops[-1]
        text += (
            f" The baselines at {names} therefore see the same audio as the next shorter "
            f"crop for at least {100 - min_share:g} % of the test clips (they differ by "
            "padding and training noise): their differences say nothing about duration here."
        )
    else:
        text += f" Every longer crop adds audio for at least {min_share:g} % of the test clips."
    return text


# ---------------------------------------------------------------------------------------
# inputs and the grid


def spectrograms(
    table: pd.DataFrame, longest: float, **options: object
) -> tuple[pd.DataFrame, np.ndarray]:
    """Log-spectrograms of the longest crop, once; shorter crops are its first frames.

    Returns:
        The rows that have features and a float16 array (items, 257, 100 * longest).
    """
    spec = features.LogSpectrogram(duration=float(longest))
    return features.extract_table(table, spec, dtype="float16", **options)


def inputs(table: pd.DataFrame, x: np.ndarray, split: Mapping[str, np.ndarray]) -> dict:
    """What every cell shares: spectrograms, classes, speakers, the split."""
    return {
        "x": x,
        "y": table["emotion"].map({e: i for i, e in enumerate(EMOTIONS)}).to_numpy(),
        "speaker": table["speaker"].astype(str).to_numpy(),
        "split": {k: np.asarray(v) for k, v in split.items()},
    }


def cells(seeds: Sequence[int], durations: Sequence[float], proposed_duration: float) -> list[dict]:
    """One cell per seed and variant: the pairwise task and one baseline per duration."""
    out = []
    for s in seeds:
        out.append({"method": PAIRWISE, "duration": proposed_duration, "seed": s})
        out += [{"method": baseline(d), "duration": d, "seed": s} for d in durations]
    return out


def _crop(x: np.ndarray, duration: float, fit_on: np.ndarray) -> np.ndarray:
    """The first ``duration`` seconds, standardised per frequency bin on ``fit_on``."""
    frames = int(round(100 * duration))
    crop = x[:, :, :frames]
    norm = SpectrogramNorm().fit(crop[fit_on].astype(np.float32))
    return np.ascontiguousarray(norm.transform(crop.astype(np.float32)), dtype=np.float32)


def cell(*, method: str, duration: float, seed: int, data: dict, config: dict) -> pd.DataFrame:
    """Train one model (one seed, one variant) and test it on the test speakers.

    The pairwise task trains on the training part and keeps the epoch with the best
    validation UAR (an SVM on the training vectors); its test score is an SVM's on the
    training vectors. A baseline trains on training and validation parts together for a
    fixed number of epochs (the paper's traditional method).

    Args:
        method: :data:`PAIRWISE` or :func:`baseline` of a duration.
        duration: Crop length in seconds.
        seed: The run's seed; the model's seed is derived from it and the variant.
        data: :func:`inputs`.
        config: Training settings (``conv, pairwise_epochs, pairs_per_epoch,
            softmax_epochs, batch_size, lr, weight, margin, device``).

    Returns:
        Tidy rows with a ``record`` column: ``test`` (one per test utterance: ``item,
        speaker, true, predicted``), ``curve`` (one per epoch of the pairwise task) and
        ``embedding`` (one per training utterance of the pairwise task, its vector).
    """
    x, y, split = data["x"], np.asarray(data["y"]), data["split"]
    train, val, test = split["train"], split["val"], split["test"]
    conv = [tuple(layer) for layer in config["conv"]]
    device = config.get("device", "cpu")
    model_seed = stable_seed(seed, method, duration)
    rows: list[dict] = []
    if method == PAIRWISE:
        xc = _crop(x, duration, train)
        encoder, history = train_pairwise(
            xc,
            y,
            train,
            val,
            config["pairwise_epochs"],
            config["pairs_per_epoch"],
            config["batch_size"],
            config["lr"],
            config["weight"],
            config["margin"],
            conv,
            device,
            model_seed,
        )
        import torch

        xt = torch.as_tensor(xc, device=device)
        train_emb, test_emb = embed(encoder, xt[train], device), embed(encoder, xt[test], device)
        pred = svm_uar(train_emb, y[train], test_emb, y[test], model_seed)[1]
        rows += [{"record": "curve", **h} for h in history]
        rows += [
            {"record": "embedding", "item": int(i), "true": EMOTIONS[y[i]], "embedding": e}
            for i, e in zip(train, train_emb, strict=True)
        ]
    elif method == baseline(duration):
        fit = np.concatenate([train, val])
        xc = _crop(x, duration, fit)
        model, _ = train_softmax(
            xc,
            y,
            fit,
            config["softmax_epochs"],
            config["batch_size"],
            config["lr"],
            conv,
            device,
            model_seed,
        )
        pred = predict_softmax(model, xc[test], device)
    else:
        raise ValueError(f"unknown method {method!r} for duration {duration}")
    speakers = np.asarray(data["speaker"])
    rows += [
        {
            "record": "test",
            "item": int(i),
            "speaker": speakers[i],
            "true": EMOTIONS[y[i]],
            "predicted": EMOTIONS[p],
        }
        for i, p in zip(test, pred, strict=True)
    ]
    return pd.DataFrame(rows)


def run(
    data: dict,
    config: Mapping,
    *,
    seeds: Sequence[int],
    durations: Sequence[float],
    proposed_duration: float,
    fingerprint: str = "",
    scheduler: str | None = None,
    store: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Run the whole grid (:func:`cells`) through :func:`sertl.grid.run`."""
    config = dict(config)
    config["conv"] = [list(layer) for layer in config["conv"]]
    settings = json.dumps(config, sort_keys=True)
    return grid.run(
        cell,
        cells(seeds, durations, proposed_duration),
        name="03_lian",
        keys=["method", "duration", "seed"],
        shared={"data": data, "config": config},
        fingerprint=f"{fingerprint}|{settings}",
        scheduler=scheduler,
        store=store,
        progress=progress,
    )


# ---------------------------------------------------------------------------------------
# summaries


def predictions(results: pd.DataFrame) -> pd.DataFrame:
    """The test predictions of every cell."""
    cols = ["method", "duration", "seed", "item", "speaker", "true", "predicted"]
    return results[results["record"] == "test"][cols].reset_index(drop=True)


def curves(results: pd.DataFrame) -> pd.DataFrame:
    """The pairwise task's training curves (one row per seed and epoch)."""
    cols = ["seed", "epoch", "loss", "pair_accuracy", "val_uar", "pairs_per_s"]
    out = results[results["record"] == "curve"][cols].reset_index(drop=True)
    out["epoch"] = out["epoch"].astype(int)
    return out


def embeddings(results: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training vectors of one seed's pairwise encoder and their emotions."""
    rows = results[(results["record"] == "embedding") & (results["seed"] == seed)]
    return np.stack(rows["embedding"].to_numpy()), rows["true"].to_numpy()


def per_speaker(results: pd.DataFrame) -> pd.DataFrame:
    """UAR (%) of each cell on each test speaker, and on all test utterances pooled.

    Returns:
        Columns ``method, duration, seed, speaker, uar``; ``speaker == "all"`` rows hold
        the pooled UAR.
    """
    pred = predictions(results)
    rows = []
    for (method, duration, seed), g in pred.groupby(["method", "duration", "seed"], sort=False):
        parts = [("all", g), *g.groupby("speaker", sort=True)]
        for speaker, part in parts:
            score = 100 * uar(part["true"].to_numpy(), part["predicted"].to_numpy())
            rows.append(
                {
                    "method": method,
                    "duration": duration,
                    "seed": seed,
                    "speaker": speaker,
                    "uar": score,
                }
            )
    return pd.DataFrame(rows)


def _method_order(methods: Sequence[str]) -> list[str]:
    base = sorted((m for m in methods if m != PAIRWISE), key=lambda m: float(m.split()[1]))
    return base + ([PAIRWISE] if PAIRWISE in methods else [])


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    corpus: str,
    paper_corpus: str = PAPER_CORPUS,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[verdict.Verdict]:
    """One verdict per published cell; the unit is the test speaker, seeds nested.

    Args:
        scores: :func:`per_speaker`.
        published: ``sertl.papers.published("lian")``.
        data: ``"real"`` or ``"synthetic"``.
        corpus: The corpus the grid ran on.
        paper_corpus: The paper's corpus (a different ``corpus`` is a stand-in).
        n_boot: Bootstrap resamples.
        seed: Seed of the resampling.
    """
    units = scores[scores["speaker"] != "all"]
    out = []
    for _, row in published.iterrows():
        mine = units[units["method"] == row["method"]]
        if mine.empty:
            out.append(verdict.not_run(row, f"{row['method']} not in this run's grid"))
            continue
        out.append(
            verdict.compare(
                row,
                mine["uar"].to_numpy(),
                mine["speaker"].to_numpy(),
                unit=UNIT,
                data=data,
                stand_in="" if corpus == paper_corpus else corpus,
                n_boot=n_boot,
                seed=seed,
            )
        )
    return out


def table3(scores: pd.DataFrame, published: pd.DataFrame, verdict_list: Sequence) -> pd.DataFrame:
    """Table 3 beside the paper: per method the mean over test speakers and its spread.

    Returns:
        Rows in the paper's order; columns ``paper``, ``ours`` (mean over test speakers
        of the per-speaker UAR, seeds averaged within speaker), ``low``, ``high`` (95 %
        interval, NaN under three speakers), ``pooled`` (UAR of all test utterances,
        mean over seeds), ``seeds``, ``test speakers`` and ``status``.
    """
    by = {v.method: v for v in verdict_list}
    pooled = scores[scores["speaker"] == "all"].groupby("method")["uar"]
    rows = []
    for method in _method_order(list(published["method"])):
        v = by.get(method)
        mine = scores[(scores["method"] == method) & (scores["speaker"] == "all")]
        rows.append(
            {
                "method": method,
                "paper": float(published.set_index("method").loc[method, "value"]),
                "ours": v.reproduced if v else np.nan,
                "low": v.low if v else np.nan,
                "high": v.high if v else np.nan,
                "pooled": pooled.mean().get(method, np.nan),
                "seeds": mine["seed"].nunique(),
                "test speakers": v.n_units if v else 0,
                "status": v.status if v else "not run",
            }
        )
    return pd.DataFrame(rows).set_index("method")


def claims(scores: pd.DataFrame, durations: Sequence[float], proposed_duration: float) -> list:
    """The paper's two comparisons, paired over test speakers (seeds nested).

    The pairwise task against the baseline on the same crop (the paper: +5.24 points),
    and the longest baseline against the shortest (the paper: longer crops help).
    """
    units = scores[scores["speaker"] != "all"]

    def aligned(a: str, b: str) -> verdict.PairedTest:
        pa = units[units["method"] == a].set_index(["seed", "speaker"])["uar"]
        pb = units[units["method"] == b].set_index(["seed", "speaker"])["uar"]
        common = pa.index.intersection(pb.index)
        return verdict.paired(
            pa[common].to_numpy(),
            pb[common].to_numpy(),
            [s for _, s in common],
            names=(a, b),
            unit=UNIT,
        )

    tests = [aligned(PAIRWISE, baseline(proposed_duration))]
    if len(durations) > 1:
        tests.append(aligned(baseline(max(durations)), baseline(min(durations))))
    return tests


def claim_sentences(tests: Sequence[verdict.PairedTest], published: pd.DataFrame) -> list[str]:
    """Each test's sentence, followed by the paper's two values where it has both."""
    value = published.set_index("method")["value"]
    out = []
    for t in tests:
        paper = ""
        if t.a in value.index and t.b in value.index:
            paper = f" The paper: {value[t.a]:.2f} against {value[t.b]:.2f}."
        out.append(t.sentence + paper)
    return out


def scale(
    config: Mapping, *, n_train: int, seeds: Sequence[int], n_bins: int = 257
) -> dict[str, object]:
    """The scale of a run, computed from its parameters (for the table beside Table 3)."""
    conv = [tuple(layer) for layer in config["conv"]]
    return {
        "training utterances": n_train,
        "training pairs in all": config["pairs_per_epoch"] * config["pairwise_epochs"],
        "pairs per epoch": config["pairs_per_epoch"],
        "pairwise epochs": config["pairwise_epochs"],
        "softmax epochs": config["softmax_epochs"],
        "encoder layers (channels, kernel, stride)": " ".join(f"({c},{k},{s})" for c, k, s in conv),
        "encoder parameters": encoder_parameters(conv, n_bins),
        "learning rate": config["lr"],
        "batch size": config["batch_size"],
        "seeds": len(seeds),
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


# ---------------------------------------------------------------------------------------
# one method for other experiments (chapter 08)


@dataclass(frozen=True)
class Settings(_Settings):
    """The pairwise task's options when another experiment runs it (:func:`fit_predict`).

    Attributes:
        conv: Encoder layers ``(channels, kernel, stride)``.
        epochs: Epochs of the pairwise task.
        pairs_per_epoch: Pairs per epoch.
        batch_size: Pairs per mini-batch.
        lr: Learning rate.
        weight: Weight of the pairwise loss against the distance term.
        margin: Margin of the distance term.
        device: Torch device.
    """

    conv: tuple = ((8, 5, 3), (16, 3, 2), (16, 3, 2), (32, 3, 2), (32, 3, 2))
    epochs: int = 10
    pairs_per_epoch: int = 640
    batch_size: int = 32
    lr: float = 3e-4
    weight: float = 0.9
    margin: float = 0.1
    device: str = "cpu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "conv", tuple(tuple(c) for c in self.conv))


def source_model(
    x_train: np.ndarray,
    y_train: np.ndarray,
    speakers_train: np.ndarray,
    *,
    settings: Settings,
    random_state: int,
) -> tuple:
    """The encoder of the pairwise task and its spectrogram normalisation.

    A fifth of the speakers (at least one, drawn with ``random_state``) validate
    the pairwise task; the others train it and fit the normalisation.

    Returns:
        (encoder on the CPU, :class:`~sertl.models.lian.SpectrogramNorm`).
    """
    classes = np.unique(np.asarray(y_train).astype(str))
    y = np.searchsorted(classes, np.asarray(y_train).astype(str))
    speakers_train = np.asarray(speakers_train)
    spk = np.unique(speakers_train)
    rng = np.random.default_rng(random_state)
    val_spk = rng.choice(spk, size=max(1, len(spk) // 5), replace=False)
    val = np.flatnonzero(np.isin(speakers_train, val_spk))
    train = np.flatnonzero(~np.isin(speakers_train, val_spk))
    norm = SpectrogramNorm().fit(np.asarray(x_train[train], np.float32))
    x = np.ascontiguousarray(norm.transform(np.asarray(x_train, np.float32)))
    encoder, _ = train_pairwise(
        x,
        y,
        train,
        val,
        settings.epochs,
        settings.pairs_per_epoch,
        settings.batch_size,
        settings.lr,
        settings.weight,
        settings.margin,
        [tuple(c) for c in settings.conv],
        settings.device,
        random_state,
    )
    return encoder.cpu(), norm


def fit_predict(
    x_train: np.ndarray,
    y_train: np.ndarray,
    speakers_train: np.ndarray,
    x_test: np.ndarray,
    *,
    settings: Settings,
    random_state: int,
    model: tuple | None = None,
) -> np.ndarray:
    """The pairwise embedding + SVM: trained on labelled speech, the test speech's emotions.

    Args:
        x_train: Training spectrograms (already cropped).
        y_train: Their emotions (names).
        speakers_train: Their speakers (a fifth validates the pairwise task).
        x_test: Test spectrograms.
        settings: The pairwise task's options.
        random_state: Seed of the validation speakers, the encoder and the SVM.
        model: :func:`source_model`'s (encoder, norm) for these training data, if
            already trained (it is then not retrained).

    Returns:
        Predicted emotion names, one per test row. The SVM sees every training
        utterance (training and validation speakers).
    """
    import torch

    names = np.unique(np.asarray(y_train).astype(str))
    y = np.searchsorted(names, np.asarray(y_train).astype(str))
    if model is None:
        model = source_model(
            x_train, y_train, speakers_train, settings=settings, random_state=random_state
        )
    encoder, norm = model
    dev = settings.device
    encoder = encoder.to(dev)
    xs = torch.as_tensor(np.ascontiguousarray(norm.transform(np.asarray(x_train, np.float32))))
    xt = torch.as_tensor(np.ascontiguousarray(norm.transform(np.asarray(x_test, np.float32))))
    emb_s, emb_t = embed(encoder, xs.to(dev), dev), embed(encoder, xt.to(dev), dev)
    return names[svm_uar(emb_s, y, emb_t, np.zeros(len(emb_t), int), random_state)[1]]
