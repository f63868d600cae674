"""Feng & Chaspari's grid: a Siamese network, out-of-domain, in-domain and fine-tuned.

Three grids of cells, each a pure function of its parameters run through
:func:`sertl.grid.run`:

- :func:`idt_cell`: in-domain training, one left-out target speaker per cell
  (leave-one-speaker-out); the unit is the held-out speaker.
- :func:`oodt_cell`: trained on a source, tested on every target speaker
  against the source's utterances as references; one row per target speaker.
- :func:`finetune_cell`: one random support draw (one utterance per emotion from
  each of ``speakers`` target speakers) per cell; the OODT model is fine-tuned
  on it with each number of frozen layers, with and without the distance loss,
  and the other target speakers are classified against the labelled target
  data (the paper's reading, ``references="target"``) or against the source
  utterances plus the support set (``"source+target"``, a variant). The
  support draw is the independent unit of everything measured on this grid.

The summaries (:func:`verdicts`, :func:`loss_effect`, :func:`finetune_effect`,
:func:`reference_effect`, :func:`speaker_trend`, :func:`variance_explained`)
turn the tidy scores into tables and computed sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from scipy import stats as sps
from sklearn.preprocessing import StandardScaler

from .. import features, verdict
from .. import grid as gridlib
from ..device import stable_seed
from ..metrics import uar
from ..models import SiameseNet, classify, train_siamese
from ..protocols import FewShotSplit
from ._base import GridOptions, digest, source_cache
from ._base import Settings as _Settings

EMOTIONS = ("angry", "happy", "sad", "fear")
IDT, OODT = "IDT", "OODT"
FT, FT_LOSS = "fine-tuning", "fine-tuning + distance loss"
#: Reference sets after fine-tuning: the paper's (labelled target data only) and a variant.
REFERENCES = ("target", "source+target")
#: The independent unit of each method's runs.
UNITS = {
    IDT: "held-out speaker",
    OODT: "target speaker",
    FT: "support draw",
    FT_LOSS: "support draw",
}
COLUMNS = ["grid", "method", "source", "target", "frozen", "speakers", "repeat", "references"]
COLUMNS += ["unit", "uar"]
#: Columns of the fine-tuning rows with the distance loss (see :func:`clamp_sentence`).
LOSS_COLUMNS = ["distance_loss_history", "clamp_share"]


def prepare(tables: Mapping[str, pd.DataFrame], feature_set: str = "IS09_64") -> dict[str, dict]:
    """The four emotions of each corpus as arrays, ready to share with the cells.

    Args:
        tables: Corpus tables by name (standard columns ``file, speaker, emotion``).
        feature_set: openSMILE feature set (the paper's 64-d IS09 subset by default).

    Returns:
        ``{name: {"X", "y", "speaker", "table"}}``; ``y`` indexes :data:`EMOTIONS`.
    """
    extractor = features.OpenSmileExtractor(feature_set)
    index = {e: i for i, e in enumerate(EMOTIONS)}
    out = {}
    for name, table in tables.items():
        table = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
        table, X = features.extract_table(table, extractor)
        out[name] = {
            "X": np.asarray(X, dtype=np.float32),
            "y": table["emotion"].map(index).to_numpy(),
            "speaker": table["speaker"].astype(str).to_numpy(),
            "table": table,
        }
    return out


def _train(
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    *,
    lr: float,
    seed: int,
    device: str,
    init: dict | None = None,
    frozen: int = 0,
    distance_weight: float = 0.0,
    batch_size: int = 64,
    pair_seed: int | None = None,
) -> SiameseNet:
    """A Siamese network trained on pairs of ``X``, seeded by ``seed``.

    The pairs are drawn with ``pair_seed`` (default: derived from ``seed``). The
    per-epoch losses are kept as the network's ``history_``.
    """
    torch.manual_seed(seed)
    net = SiameseNet(X.shape[1])
    if init is not None:
        net.load_state_dict(init)
    net.freeze(frozen)
    net.history_ = train_siamese(
        net,
        X,
        y,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        distance_weight=distance_weight,
        random_state=stable_seed(seed, "pairs") if pair_seed is None else pair_seed,
        device=device,
    )
    return net


def base_model(
    X: np.ndarray, y: np.ndarray, *, source: str, epochs: int, lr: float, seed: int, device: str
) -> tuple[dict, StandardScaler]:
    """The out-of-domain model of one source (its weights) and the source's scaler.

    Deterministic in its arguments, so every process that needs it trains the
    same model; it is kept in memory for the process's other cells.
    """

    def train() -> tuple[dict, StandardScaler]:
        scaler = StandardScaler().fit(X)
        net = _train(
            scaler.transform(X),
            y,
            epochs,
            lr=lr,
            seed=stable_seed(seed, "oodt", source),
            device=device,
        )
        return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, scaler

    key = ("feng_chaspari.base_model", source, epochs, lr, seed, device, digest(X, y))
    return source_cache(key, train)


def _uar(y_true: np.ndarray, pred: np.ndarray) -> float:
    return 100 * uar(y_true, pred)


def _loss_record(history: Sequence[Mapping]) -> dict:
    """The distance loss per epoch (``;``-joined) and the share of batches it was clamped."""
    batches = sum(h["distance_batches"] for h in history)
    clamped = sum(h["clamped_batches"] for h in history)
    return {
        "distance_loss_history": ";".join(f"{h['distance_loss']:.6g}" for h in history),
        "clamp_share": clamped / batches if batches else np.nan,
    }


def clamp_sentence(scores: pd.DataFrame) -> str:
    """How often the distance loss's clamp decided, over the fine-tunings with the loss."""
    if "clamp_share" not in scores:
        return ""
    share = scores.loc[scores["method"] == FT_LOSS, "clamp_share"].dropna()
    if share.empty:
        return ""
    return (
        f"The distance loss's denominator was clamped (same-emotion pairs as far apart as "
        f"different-emotion pairs, so that the loss only shrinks all distances) in "
        f"{100 * share.mean():.1f} % of its batches on average over {len(share)} fine-tunings; "
        f"in {int((share > 0.5).sum())} of them in more than half of the batches."
    )


def _row(**values: object) -> dict:
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(values)
    return row


def idt_cell(
    *, speaker: str, target: str, epochs: int, lr: float, seed: int, device: str, corpora: dict
) -> list[dict]:
    """In-domain training with one target speaker held out (one fold of LOSO)."""
    d = corpora[target]
    test = d["speaker"] == speaker
    scaler = StandardScaler().fit(d["X"][~test])
    xtr, xte = scaler.transform(d["X"][~test]), scaler.transform(d["X"][test])
    net = _train(
        xtr, d["y"][~test], epochs, lr=lr, seed=stable_seed(seed, "idt", speaker), device=device
    )
    pred = classify(net, xte, xtr, d["y"][~test], device)
    return [
        _row(
            grid="idt",
            method=IDT,
            source=target,
            target=target,
            unit=speaker,
            uar=_uar(d["y"][test], pred),
        )
    ]


def oodt_cell(
    *, source: str, target: str, epochs: int, lr: float, seed: int, device: str, corpora: dict
) -> list[dict]:
    """The source's model on every target speaker, against the source's references."""
    src, tgt = corpora[source], corpora[target]
    state, scaler = base_model(
        src["X"], src["y"], source=source, epochs=epochs, lr=lr, seed=seed, device=device
    )
    net = SiameseNet(src["X"].shape[1])
    net.load_state_dict(state)
    pred = classify(net, scaler.transform(tgt["X"]), scaler.transform(src["X"]), src["y"], device)
    rows = []
    for speaker in np.unique(tgt["speaker"]):
        mine = tgt["speaker"] == speaker
        rows.append(
            _row(
                grid="oodt",
                method=OODT,
                source=source,
                target=target,
                references="source",
                unit=speaker,
                uar=_uar(tgt["y"][mine], pred[mine]),
            )
        )
    return rows


def support_draw(
    y: np.ndarray, speakers: np.ndarray, n_speakers: int, repeat: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """One utterance per emotion from each of ``n_speakers`` random speakers.

    Returns:
        (support indices, test indices): the test set is every utterance of the
        other speakers.
    """
    split = FewShotSplit(
        k=1,
        n_speakers=n_speakers,
        n_splits=1,
        random_state=stable_seed(seed, "support", n_speakers, repeat),
        classes=range(len(EMOTIONS)),
    )
    return next(split.split(y, y, speakers))


def finetune_cell(
    *,
    source: str,
    target: str,
    speakers: int,
    repeat: int,
    frozen_layers: Sequence[int],
    references: Sequence[str],
    epochs: int,
    finetune_epochs: int,
    lr: float,
    distance_weight: float,
    seed: int,
    device: str,
    corpora: dict,
    return_embeddings: bool = False,
) -> list[dict]:
    """Fine-tune the source's model on one support draw, every frozen setting, both losses.

    The two arms (with and without the distance loss) start from the same model
    and see the same pairs, so they differ only by the loss. The OODT model is
    also scored on the draw's test speakers (``method="OODT"``), a paired baseline.
    With ``return_embeddings`` the rows carry the test embeddings (``embedding``),
    labels (``y``) and predictions (``pred``) for figures.
    """
    src, tgt = corpora[source], corpora[target]
    state, scaler = base_model(
        src["X"], src["y"], source=source, epochs=epochs, lr=lr, seed=seed, device=device
    )
    xs, xt = scaler.transform(src["X"]), scaler.transform(tgt["X"])
    ys, yt = src["y"], tgt["y"]
    support, test = support_draw(yt, tgt["speaker"], speakers, repeat, seed)
    keys = dict(source=source, target=target, speakers=speakers, repeat=repeat)
    unit = f"{speakers} speakers, draw {repeat}"
    base = SiameseNet(xs.shape[1])
    base.load_state_dict(state)
    pred = classify(base, xt[test], xs, ys, device)
    rows = [
        _row(
            grid="finetune",
            method=OODT,
            references="source",
            unit=unit,
            uar=_uar(yt[test], pred),
            **keys,
        )
    ]
    refs = {
        "target": (xt[support], yt[support]),
        "source+target": (np.vstack([xs, xt[support]]), np.concatenate([ys, yt[support]])),
    }
    for frozen in frozen_layers:
        for method in (FT, FT_LOSS):
            net = _train(
                xt[support],
                yt[support],
                finetune_epochs,
                lr=lr,
                seed=stable_seed(seed, "ft", source, speakers, repeat),
                device=device,
                init=state,
                frozen=frozen,
                distance_weight=distance_weight if method == FT_LOSS else 0.0,
                batch_size=32,
            )
            for ref in references:
                pred = classify(net, xt[test], *refs[ref], device)
                row = _row(
                    grid="finetune", method=method, frozen=frozen, references=ref, unit=unit, **keys
                )
                row["uar"] = _uar(yt[test], pred)
                if method == FT_LOSS:
                    row.update(_loss_record(net.history_))
                if return_embeddings:
                    with torch.no_grad():
                        emb = net.embed(
                            torch.as_tensor(xt[test], dtype=torch.float32, device=device)
                        )
                    row.update(embedding=emb.cpu().numpy(), y=yt[test], pred=pred)
                rows.append(row)
    return rows


def usable_speaker_counts(speaker_counts: Sequence[int], n_speakers: int) -> list[int]:
    """The speaker counts that leave at least one target speaker to test on.

    A support draw from ``n`` of the target's ``n_speakers`` speakers tests on the
    others, so ``n`` must be smaller (a small user corpus may have fewer speakers
    than a profile asks for).
    """
    return [int(n) for n in speaker_counts if 0 < n < n_speakers]


def skipped_sentence(speaker_counts: Sequence[int], n_speakers: int, target: str) -> str:
    """Says which speaker counts the target's size rules out (empty when none)."""
    skipped = sorted(
        set(map(int, speaker_counts)) - set(usable_speaker_counts(speaker_counts, n_speakers))
    )
    if not skipped:
        return ""
    return (
        f"{target} has {n_speakers} speakers, so support draws of {skipped} speakers would leave "
        "no speaker to test on: they are skipped."
    )


@dataclass(frozen=True)
class Settings(_Settings):
    """Every knob of the chapter's three grids (:meth:`from_params` reads them from its parameters).

    Attributes:
        target: Target corpus.
        sources: Source corpora (those that run).
        source_epochs: Epochs of the OODT models.
        idt_epochs: Epochs of each in-domain (LOSO) model.
        finetune_epochs: Epochs of fine-tuning.
        speaker_counts: Numbers of target speakers in a support draw.
        frozen_layers: Numbers of frozen extractor layers.
        repeats: Support draws per speaker count.
        references: Reference sets after fine-tuning (see :data:`REFERENCES`).
        distance_weight: Weight of the distance loss.
        lr: Adam's learning rate.
        idt_folds: Run only this many LOSO folds (random speakers); ``None``: all.
        seed: Base seed.
        device: ``"cpu"`` or ``"cuda"``.
    """

    target: str = "ravdess"
    sources: tuple[str, ...] = ()
    source_epochs: int = 60
    idt_epochs: int = 40
    finetune_epochs: int = 30
    speaker_counts: tuple[int, ...] = (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
    frozen_layers: tuple[int, ...] = (0, 1, 2)
    repeats: int = 10
    references: tuple[str, ...] = ("target",)
    distance_weight: float = 1.0
    lr: float = 1e-3
    idt_folds: int | None = None
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        for name in ("sources", "speaker_counts", "frozen_layers", "references"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        unknown = set(self.references) - set(REFERENCES)
        if unknown:
            raise ValueError(f"unknown references {sorted(unknown)}; known: {list(REFERENCES)}")


#: The cell function of each grid.
CELLS = {"idt": idt_cell, "oodt": oodt_cell, "finetune": finetune_cell}
#: The key columns of each grid.
GRID_KEYS = {"idt": ["speaker"], "oodt": ["source"], "finetune": ["source", "speakers", "repeat"]}


def cells(corpora: Mapping[str, dict], settings: Settings) -> dict[str, list[dict]]:
    """The cells of the three grids (``"idt"``, ``"oodt"``, ``"finetune"``)."""
    s = settings
    common = dict(target=s.target, lr=s.lr, seed=s.seed, device=s.device)
    held_out = sorted(np.unique(corpora[s.target]["speaker"]))
    speaker_counts = usable_speaker_counts(s.speaker_counts, len(held_out))
    if s.idt_folds is not None:
        held_out = sorted(
            np.random.default_rng(s.seed).choice(held_out, s.idt_folds, replace=False)
        )
    finetune = [
        dict(
            source=src,
            speakers=int(n),
            repeat=r,
            frozen_layers=[int(f) for f in s.frozen_layers],
            references=list(s.references),
            epochs=s.source_epochs,
            finetune_epochs=s.finetune_epochs,
            distance_weight=s.distance_weight,
            **common,
        )
        for src in s.sources
        for n in speaker_counts
        for r in range(s.repeats)
    ]
    return {
        "idt": [dict(speaker=str(h), epochs=s.idt_epochs, **common) for h in held_out],
        "oodt": [dict(source=src, epochs=s.source_epochs, **common) for src in s.sources],
        "finetune": finetune,
    }


def cell(grid_name: str, **params: object) -> list[dict]:
    """One cell of the grid ``grid_name`` (a key of :data:`CELLS`)."""
    return CELLS[grid_name](**params)  # type: ignore[operator]


def run(corpora: dict, settings: Settings, *, grid: GridOptions | None = None) -> pd.DataFrame:
    """Every cell of the three grids, as one tidy table (columns :data:`COLUMNS`).

    Args:
        corpora: From :func:`prepare`; must hold the target and every source.
        settings: The grids' knobs.
        grid: The runner's options (fingerprint, scheduler, store, progress).
    """
    opts = (grid or GridOptions()).kwargs()
    tables = [
        gridlib.run(
            CELLS[name],
            plan,
            name=f"feng_chaspari_{name}",
            keys=GRID_KEYS[name],
            shared={"corpora": corpora},
            **opts,
        )
        for name, plan in cells(corpora, settings).items()
    ]
    columns = [*COLUMNS, *LOSS_COLUMNS]  # the distance loss's record: fine-tunings only
    return pd.concat([t.reindex(columns=columns) for t in tables if len(t)], ignore_index=True)


def fit_predict(
    method: str,
    x_source: np.ndarray,
    y_source: np.ndarray,
    x_support: np.ndarray,
    y_support: np.ndarray,
    x_test: np.ndarray,
    *,
    model: tuple[dict, StandardScaler],
    finetune_epochs: int = 30,
    lr: float = 1e-3,
    frozen: int = 0,
    distance_weight: float = 1.0,
    batch_size: int = 32,
    device: str = "cpu",
    random_state: int = 0,
    pair_seed: int | None = None,
) -> np.ndarray:
    """The OODT model, or its fine-tuning on labelled target speech, on the test speech.

    OODT compares each test utterance with the source's; after fine-tuning (with
    or without the distance loss) the model compares with the labelled target
    speech, the paper's reading.

    Args:
        method: :data:`OODT`, :data:`FT` or :data:`FT_LOSS`.
        x_source: Source features (OODT's references).
        y_source: Their labels (integers).
        x_support: Labelled target features (fine-tuning only).
        y_support: Their labels.
        x_test: Test features.
        model: The source stage, :func:`base_model`'s (state dict, scaler).
        finetune_epochs: Epochs of fine-tuning.
        lr: Its learning rate.
        frozen: Extractor layers frozen while fine-tuning.
        distance_weight: Weight of the distance loss (:data:`FT_LOSS` only).
        batch_size: Fine-tuning mini-batch size.
        device: Torch device.
        random_state: Seed of the fine-tuned network.
        pair_seed: Seed of its pairs (default: derived from ``random_state``).

    Returns:
        Predicted labels (the coding of ``y_source``/``y_support``).
    """
    state, scaler = model
    if method == OODT:
        net = SiameseNet(x_source.shape[1])
        net.load_state_dict(state)
        refs = scaler.transform(x_source)
        return classify(net, scaler.transform(x_test), refs, np.asarray(y_source), device)
    if method not in (FT, FT_LOSS):
        raise ValueError(f"unknown method {method!r}; known: {[OODT, FT, FT_LOSS]}")
    if len(y_support) == 0:
        raise ValueError(f"{method} needs labelled target speech")
    xq = scaler.transform(x_support).astype(np.float32)
    # both arms start from the same model and see the same pairs: only the loss differs
    net = _train(
        xq,
        np.asarray(y_support),
        finetune_epochs,
        lr=lr,
        seed=random_state,
        device=device,
        init=state,
        frozen=frozen,
        distance_weight=distance_weight if method == FT_LOSS else 0.0,
        batch_size=batch_size,
        pair_seed=pair_seed,
    )
    return classify(net, scaler.transform(x_test), xq, np.asarray(y_support), device)


# ---------------------------------------------------------------------------------------
# Summaries


def _finetuned(scores: pd.DataFrame, references: str) -> pd.DataFrame:
    grid_rows = scores[scores["grid"] == "finetune"]
    return grid_rows[(grid_rows["method"] == OODT) | (grid_rows["references"] == references)]


def best_settings(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Per source and fine-tuning method, the (frozen, speakers) cell with the best mean.

    As in the paper's Table 1, the best cell is chosen on the test data, which
    favours the grid; its values are the UARs of that cell's support draws.

    Returns:
        Columns ``source, method, frozen, speakers, uar, n_draws``.
    """
    ft = _finetuned(scores, references)
    ft = ft[ft["method"].isin([FT, FT_LOSS])]
    means = ft.groupby(["source", "method", "frozen", "speakers"])["uar"].agg(["mean", "size"])
    best = means.loc[means.groupby(["source", "method"])["mean"].idxmax()].reset_index()
    return best.rename(columns={"mean": "uar", "size": "n_draws"})


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    stand_ins: Mapping[str, str],
    references: str = "target",
    n_boot: int = 2000,
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell of Table 1, those that cannot run included.

    A fine-tuning row takes the best cell of the grid, chosen on the test data
    as in the paper; its ``reason`` says so, since such an interval is optimistic.

    Args:
        scores: From :func:`run`.
        published: ``sertl.papers.published("feng_chaspari", "Table 1")``.
        data: ``"real"`` or ``"synthetic"``.
        stand_ins: The corpus run in place of each paper source that is absent here.
        references: Which reference set the fine-tuning verdicts use.
        n_boot: Unused (intervals are Student-t); kept for callers.
        margin: Margin of equivalence, in points.
    """
    ran = set(scores["source"])
    best = best_settings(scores, references).set_index(["source", "method"])
    ft = _finetuned(scores, references)
    out = []
    for _, row in published.iterrows():
        method, source = row["method"], row["source"]
        if method == IDT:
            sub = scores[scores["grid"] == "idt"]
            corpus = source if len(sub) else None
        else:
            corpus = source if source in ran else stand_ins.get(source)
            corpus = corpus if corpus in ran else None
        if corpus is None:
            reason = f"{source} is not configured here and no stand-in ran"
            out.append(verdict.not_run(row, reason))
            continue
        if method == OODT:
            sub = scores[(scores["grid"] == "oodt") & (scores["source"] == corpus)]
        elif method in (FT, FT_LOSS):
            frozen, speakers = best.loc[(corpus, method), ["frozen", "speakers"]]
            sub = ft[
                (ft["source"] == corpus)
                & (ft["method"] == method)
                & (ft["frozen"] == frozen)
                & (ft["speakers"] == speakers)
            ]
        found = verdict.compare(
            row,
            sub["uar"],
            sub["unit"],
            unit=UNITS[method],
            data=data,
            stand_in="" if corpus == source else corpus,
            n_boot=n_boot,
            margin=margin,
        )
        if method in (FT, FT_LOSS):
            n_cells = len(
                ft.loc[(ft["source"] == corpus) & (ft["method"] == method)].groupby(
                    ["frozen", "speakers"]
                )
            )
            found = replace(
                found,
                reason=(
                    f"best of {n_cells} cells ({int(frozen)} frozen, {int(speakers)} speakers), "
                    "chosen on the test data as in the paper: the interval is optimistic"
                ),
            )
        out.append(found)
    return out


def _per_draw(scores: pd.DataFrame, method: str, references: str) -> pd.DataFrame:
    """UAR per (source, support draw) of one method, averaged over frozen settings."""
    ft = _finetuned(scores, references)
    sub = ft[ft["method"] == method]
    return sub.groupby(["source", "unit", "speakers"], as_index=False)["uar"].mean()


def _paired_by_source(
    scores: pd.DataFrame,
    a: tuple[str, str],
    b: tuple[str, str],
    names: tuple[str, str],
    n_boot: int,
) -> pd.DataFrame:
    """Paired t-tests of (method, references) ``a`` against ``b`` per source (Bonferroni)."""
    left, right = _per_draw(scores, *a), _per_draw(scores, *b)
    both = left.merge(right, on=["source", "unit", "speakers"], suffixes=("_a", "_b"))
    sources = list(dict.fromkeys(both["source"]))
    tests = []
    for source in sources:
        g = both[both["source"] == source]
        tests.append(
            verdict.paired(
                g["uar_a"], g["uar_b"], g["unit"], names=names, unit="support draw", n_boot=n_boot
            )
        )
    tests = verdict.adjust(tests)
    return pd.DataFrame(
        {
            "source": sources,
            "difference": [t.difference for t in tests],
            "low": [t.low for t in tests],
            "high": [t.high for t in tests],
            "p (Bonferroni)": [t.p_used for t in tests],
            "draws": [t.n_units for t in tests],
            "outcome": [t.outcome for t in tests],
            "sentence": [f"From {s}: {t.sentence}" for s, t in zip(sources, tests, strict=True)],
        }
    )


def loss_effect(
    scores: pd.DataFrame, references: str = "target", n_boot: int = 2000
) -> pd.DataFrame:
    """The distance loss against plain fine-tuning, per source, over support draws.

    The unit is the support draw (a random choice of target speakers and
    utterances); the frozen settings fine-tuned on the same draw are averaged
    within it, since they are not independent of each other.
    """
    return _paired_by_source(scores, (FT_LOSS, references), (FT, references), (FT_LOSS, FT), n_boot)


def finetune_effect(
    scores: pd.DataFrame, method: str = FT, references: str = "target", n_boot: int = 2000
) -> pd.DataFrame:
    """Fine-tuning against the OODT model on the same draw's test speakers, per source."""
    return _paired_by_source(
        scores, (method, references), (OODT, references), (method, OODT), n_boot
    )


def reference_effect(scores: pd.DataFrame, method: str = FT, n_boot: int = 2000) -> pd.DataFrame:
    """Target-only references against source plus target references, per source."""
    return _paired_by_source(
        scores,
        (method, "target"),
        (method, "source+target"),
        ("scoring against the target data only", "scoring against source and target data"),
        n_boot,
    )


def speaker_trend(
    scores: pd.DataFrame, method: str = FT, references: str = "target", alpha: float = 0.05
) -> pd.DataFrame:
    """Does fine-tuning's gain over OODT grow with the number of target speakers?

    Spearman's rank correlation between the number of speakers of each support
    draw and the draw's gain over OODT (UAR points, frozen settings averaged).
    """
    gain = _per_draw(scores, method, references).merge(
        _per_draw(scores, OODT, references),
        on=["source", "unit", "speakers"],
        suffixes=("", "_oodt"),
    )
    gain["gain"] = gain["uar"] - gain["uar_oodt"]
    rows = []
    for source, g in gain.groupby("source", sort=False):
        if g["speakers"].nunique() < 3:
            rho, p = np.nan, np.nan
            sentence = f"From {source}: fewer than three speaker counts, no trend test."
        else:
            rho, p = sps.spearmanr(g["speakers"], g["gain"])
            word = "no trend" if not p < alpha else ("grows" if rho > 0 else "shrinks")
            verb = "shows no trend" if word == "no trend" else f"{word}"
            sentence = (
                f"From {source}: the gain of {method} over OODT {verb} with the number of target "
                f"speakers (Spearman ρ = {rho:+.2f}, p = {p:.2g}, {len(g)} support draws)."
            )
        rows.append({"source": source, "rho": rho, "p": p, "draws": len(g), "sentence": sentence})
    return pd.DataFrame(rows)


def variance_explained(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Share of the variance of fine-tuned UAR explained by each factor (η² of its means)."""
    ft = _finetuned(scores, references)
    ft = ft[ft["method"].isin([FT, FT_LOSS])]
    grand = ft["uar"].mean()
    total = ((ft["uar"] - grand) ** 2).sum()
    eta = {}
    for factor in ("source", "frozen", "speakers", "method"):
        between = ft.groupby(factor)["uar"].agg(lambda v: len(v) * (v.mean() - grand) ** 2).sum()
        eta[factor] = float(between / total) if total > 0 else np.nan
    return pd.DataFrame({"factor": list(eta), "eta2": list(eta.values())})


def source_claim(effects: pd.DataFrame, n_sources: int) -> str:
    """The computed sentence on the paper's claim that the source matters more than freezing."""
    eta = effects.set_index("factor")["eta2"]
    if n_sources < 2:
        return "With one source, the source's share of the variance cannot be measured."
    holds = eta["source"] > eta["frozen"]
    return (
        f"The source explains {eta['source']:.0%} of the variance of fine-tuned UAR and the number "
        f"of frozen layers {eta['frozen']:.0%}: the paper's finding that the source matters more "
        f"{'holds' if holds else 'does not hold'} here (descriptive, over {n_sources} sources)."
    )


def figure2(
    scores: pd.DataFrame, sources: Sequence[str], references: str = "target", title: str = ""
) -> plt.Figure:
    """UAR against the number of target speakers, one panel per source, two per row.

    Lines: fine-tuning with and without the loss (frozen settings averaged), with
    a 95 % band over support draws; OODT on the same draws and IDT as references.
    """
    ft = _finetuned(scores, references)
    idt = scores.loc[scores["grid"] == "idt", "uar"].mean()
    target = scores["target"].dropna().iloc[0] if len(scores) else ""
    ncols = min(2, len(sources))
    nrows = -(-len(sources) // ncols)
    with plt.rc_context({"font.size": 10, "axes.titlesize": 10, "legend.fontsize": 9}):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(7.2, 2.9 * nrows + 0.6),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        styles = {OODT: ("0.45", ":"), FT: ("C0", "--"), FT_LOSS: ("C3", "-")}
        for ax, source in zip(axes.flat, sources, strict=False):
            draws = pd.concat([_per_draw(ft, m, references).assign(method=m) for m in styles])
            for method, (colour, style) in styles.items():
                by_n = draws[(draws["source"] == source) & (draws["method"] == method)]
                stats = by_n.groupby("speakers")["uar"].agg(["mean", "sem", "size"])
                half = stats["sem"].fillna(0) * sps.t.ppf(0.975, np.maximum(stats["size"] - 1, 1))
                ax.plot(
                    stats.index, stats["mean"], style, color=colour, label=method, marker="o", ms=3
                )
                ax.fill_between(
                    stats.index,
                    stats["mean"] - half,
                    stats["mean"] + half,
                    color=colour,
                    alpha=0.15,
                )
            if np.isfinite(idt):
                ax.axhline(idt, color="k", lw=1, ls="-.", label="IDT (LOSO)")
            ax.axhline(100 / len(EMOTIONS), color="0.7", lw=0.8, label="chance")
            counts = sorted(ft.loc[ft["source"] == source, "speakers"].dropna().unique())
            ax.set_xticks([int(c) for c in counts])
            ax.set(title=f"{source} → {target}", xlabel="target speakers in the support set")
        for ax in axes[:, 0]:
            ax.set_ylabel("UAR (%)")
        for ax in list(axes.flat)[len(sources) :]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
        if title:
            fig.suptitle(title)
    return fig


def table1(verdict_table: pd.DataFrame, published: pd.DataFrame) -> str:
    """Table 1 beside the paper, as Markdown, the paper's text/table notes as footnotes.

    Args:
        verdict_table: ``sertl.verdict.table(verdicts(...))``.
        published: The published values (their ``note`` column gives the footnotes).
    """
    notes_of = published.set_index(["method", "source"])["note"]
    verdict_table = verdict_table.assign(
        note=[
            notes_of.get((m, s), "")
            for m, s in zip(verdict_table["method"], verdict_table["source"], strict=True)
        ]
    )
    lines = [
        "| method | paper's source | run with | paper | ours | 95 % CI | n (unit) | verdict |",
        "|:--|:--|:--|--:|--:|:--|:--|:--|",
    ]
    notes = []
    for _, r in verdict_table.iterrows():
        paper = f"{r['published']:.1f}"
        if r.get("note"):
            notes.append(r["note"])
            paper += f"[^{len(notes)}]"
        ran = np.isfinite(r["reproduced"])
        ours = f"{r['reproduced']:.1f}" if ran else "–"
        ci = f"{r['low']:.1f}–{r['high']:.1f}" if np.isfinite(r["low"]) else "–"
        n = f"{r['n_units']} ({r['unit']})" if ran else "–"
        run_with = (r["stand_in"] or r["source"]) if ran else "–"
        status = r["status"] if ran else f"not run: {r['reason']}"
        lines.append(
            f"| {r['method']} | {r['source']} | {run_with} | {paper} | {ours} | {ci} | {n} "
            f"| {status} |"
        )
    lines += [""] + [f"[^{k}]: {note}" for k, note in enumerate(notes, 1)]
    return "\n".join(lines)


def all_sources(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Every source that ran: OODT, IDT and the best fine-tuning cells (mean UAR %)."""
    best = best_settings(scores, references)
    oodt = scores[scores["grid"] == "oodt"].groupby("source")["uar"].mean()
    idt = scores.loc[scores["grid"] == "idt", "uar"].mean()
    out = pd.DataFrame({OODT: oodt, IDT: idt})
    for method in (FT, FT_LOSS):
        mine = best[best["method"] == method].set_index("source")
        out[method] = mine["uar"]
        out[f"{method}: best cell"] = [
            f"{int(f)} frozen, {int(n)} speakers"
            for f, n in zip(mine["frozen"], mine["speakers"], strict=True)
        ]
    return out.rename_axis("source")


def embedding_map(
    emb: np.ndarray, method: str = "umap", *, seed: int = 0, n_neighbors: int = 15
) -> np.ndarray:
    """A 2-d map of embeddings: UMAP (``"umap"``) or the first two principal axes (``"pca"``)."""
    if method == "umap":
        from ..plots import umap_embedding

        return umap_embedding(emb, seed=seed, n_neighbors=n_neighbors)
    if method == "pca":
        from sklearn.decomposition import PCA

        z = (emb - emb.mean(0)) / (emb.std(0) + 1e-8)
        return PCA(n_components=2, random_state=seed).fit_transform(z)
    raise ValueError(f"unknown embedding map {method!r}; use 'umap' or 'pca'")


def embeddings(corpora: dict, *, with_loss: bool, **cell: object) -> tuple[np.ndarray, ...]:
    """Test embeddings, labels and predictions after one fine-tuning (for a figure).

    Args:
        corpora: From :func:`prepare`.
        with_loss: The arm with the distance loss, or without.
        **cell: The parameters of one :func:`finetune_cell` with one frozen setting.
    """
    rows = finetune_cell(corpora=corpora, return_embeddings=True, **cell)
    method = FT_LOSS if with_loss else FT
    row = next(r for r in rows if r["method"] == method)
    return row["embedding"], row["y"], row["pred"]
