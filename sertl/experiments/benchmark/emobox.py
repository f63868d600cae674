"""The zero-shot methods on EmoBox's published test lists (:mod:`sertl.emobox`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score

from ... import grid as gridlib
from ... import verdict
from ...metrics import uar
from .._base import GridOptions
from .methods import BASE, METHODS, ZERO_SHOT, Settings, check_methods, predict
from .run import _score_rows
from .summary import pair_name

# ---------------------------------------------------------------------------------------
# EmoBox's lists


#: Where per-speaker standardisation takes a listed speaker's statistics from: the
#: speaker's listed utterances only, or all of the speaker's four-emotion speech in the corpus.
Z_FROM = ("list", "speaker")


def emobox_cells(pairs: Sequence[Sequence[str]], methods: Sequence[str], seed: int) -> list[dict]:
    """One cell per (list pair, zero-shot method); per-speaker ones once per :data:`Z_FROM`."""
    zero = [m for m in check_methods(methods) if METHODS[m].zero_shot]
    return [
        {"source": s, "target": t, "method": m, "z_from": z, "seed": seed}
        for s, t in pairs
        for m in zero
        for z in (Z_FROM if "per-speaker" in m else Z_FROM[:1])
    ]


def emobox_name(method: str, z_from: str) -> str:
    """The method's name in the EmoBox table (says where per-speaker statistics come from)."""
    if "per-speaker" not in method:
        return method
    return f"{method} ({_z_label(z_from)})"


def _z_label(z_from: str) -> str:
    return "listed speech" if z_from == "list" else "all their speech"


def emobox_cell(
    source: str,
    target: str,
    method: str,
    seed: int,
    z_from: str = "list",
    *,
    data: Mapping[str, dict],
    lists: Mapping[str, Sequence[int]],
    settings: Mapping,
    models: Mapping | None = None,
) -> list[dict]:
    """A zero-shot method trained on the whole source, tested on the target's list.

    Per-speaker standardisation takes each listed speaker's statistics, without
    labels, from that speaker's listed (test) utterances (``z_from="list"``) or
    from all of the speaker's four-emotion speech in the corpus (``"speaker"``).

    Returns:
        One row per listed speaker (``scope="speaker"``) and one for the whole
        list (``scope="list"``, accuracy as EmoBox reports it, and UAR).
    """
    feats = METHODS[method].features
    src, tgt = data[source], data[target]
    if z_from not in Z_FROM:
        raise ValueError(f"z_from must be one of {Z_FROM}, not {z_from!r}")
    test = np.asarray(lists[target], dtype=int)
    speakers = tgt["speaker"][test]
    # the speech standardised together: the list, or every utterance of its speakers
    seen = test if z_from == "list" else np.flatnonzero(np.isin(tgt["speaker"], speakers))
    pred = predict(
        method,
        src["X"][feats],
        src["y"],
        tgt["X"][feats][:0],
        tgt["y"][:0],
        tgt["X"][feats][seen],
        source_speakers=src["speaker"],
        test_speakers=tgt["speaker"][seen],
        settings=settings,
        seed=seed,
        source=source,
        models=models,
    )
    pred = pd.Series(pred, index=seen)[test].to_numpy()
    truth = tgt["y"][test]
    keys = {"source": source, "target": target, "method": method, "z_from": z_from}
    rows = [
        {
            **keys,
            "scope": "list",
            "unit": "",
            "n_test": len(test),
            "uar": 100 * uar(truth, pred),
            "accuracy": 100 * accuracy_score(truth, pred),
        }
    ]
    for r in _score_rows(truth, pred, speakers, **keys):
        r.pop("unit_kind")
        rows.append({**r, "scope": "speaker"})
    return rows


def emobox_run(
    data: Mapping[str, dict],
    plan: Sequence[Mapping],
    lists: Mapping[str, Sequence[int]],
    settings: Settings,
    *,
    grid: GridOptions | None = None,
    models: Mapping | None = None,
) -> pd.DataFrame:
    """Run :func:`emobox_cell` over ``plan`` through :func:`sertl.grid.run`."""
    opts = settings.as_dict()
    lists = {k: [int(i) for i in v] for k, v in lists.items()}
    return gridlib.run(
        emobox_cell,
        list(plan),
        name="08_benchmark_emobox",
        keys=["source", "target", "method", "z_from", "seed", "scope", "unit"],
        shared={"data": dict(data), "lists": lists, "settings": opts, "models": models},
        **(grid or GridOptions()).kwargs(f"{sorted(opts.items())}|{sorted(lists.items())}"),
    )


def list_indices(prepared: Mapping, target: str, rows: pd.DataFrame) -> np.ndarray:
    """Positions of a matched list's files in the prepared target (list order).

    Raises:
        KeyError: A listed file without features.
    """
    pos = pd.Series(np.arange(len(prepared[target]["file"])), index=prepared[target]["file"])
    lacking = [f for f in rows["file"] if f not in pos.index]
    if lacking:
        raise KeyError(f"{len(lacking)} listed files have no features (first: {lacking[0]})")
    return pos[rows["file"]].to_numpy()


def emobox_table(ours: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """EmoBox's models and ours on the same lists: accuracy per pair, best first.

    Args:
        ours: :func:`emobox_cell` rows.
        published: Columns ``method, source, target, value`` (EmoBox's Table 5).
    """
    rows = []
    for _, p in published.iterrows():
        rows.append(
            {
                "pair": pair_name(p["source"], p["target"]),
                "model": p["method"],
                "by": "EmoBox (published)",
                "accuracy": float(p["value"]),
                "per-speaker UAR": "",
                "uses target speech": "no",
            }
        )
    for (source, target, method, z_from), g in ours.groupby(
        ["source", "target", "method", "z_from"], sort=False
    ):
        whole = g[g["scope"] == "list"].iloc[0]
        per = g[g["scope"] == "speaker"]
        iv = verdict.interval(per["uar"], per["unit"], unit="listed speaker")
        rows.append(
            {
                "pair": pair_name(source, target),
                "model": emobox_name(method, z_from),
                "by": "sertl (this run)",
                "accuracy": whole["accuracy"],
                "per-speaker UAR": iv.text(),
                "uses target speech": (
                    "no"
                    if "per-speaker" not in method
                    else "yes: unlabelled, the listed utterances"
                    if z_from == "list"
                    else "yes: unlabelled, all of each speaker's"
                ),
            }
        )
    out = pd.DataFrame(rows)
    out = out.sort_values(["pair", "accuracy"], ascending=[True, False], kind="stable")
    out["accuracy"] = out["accuracy"].round(1)
    return out.set_index(["pair", "model"])


def emobox_sentences(ours: pd.DataFrame, published: pd.DataFrame, data_kind: str) -> list[str]:
    """Computed sentences: our best with and without target speech against EmoBox's models."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), g in whole.groupby(["source", "target"], sort=False):
        pub = published[(published["source"] == source) & (published["target"] == target)]
        g = g.sort_values("accuracy", ascending=False, kind="stable")
        adapted = g["method"].str.contains("per-speaker")
        text = f"{pair_name(source, target)} ({data_kind} data): "
        parts = []
        for label, rows in (("without target speech", g[~adapted]), ("with", g[adapted])):
            if not len(rows):
                continue
            top = rows.iloc[0]
            part = f"{emobox_name(top['method'], top['z_from'])} at {top['accuracy']:.1f} %"
            if len(pub):
                part += f", above {int((pub['value'] < top['accuracy']).sum())} of {len(pub)}"
                part += " EmoBox models"
            if label == "with":
                part = (
                    "with per-speaker standardisation (unlabelled target speech, which EmoBox's "
                    f"protocol does not use) our best is {part}"
                )
            else:
                part = f"our best {label} is {part}"
            parts.append(part)
        text += "; ".join(parts)
        if len(pub):
            best = pub.sort_values("value", ascending=False).iloc[0]
            text += f" (EmoBox's best: {best['method']}, {best['value']:.1f} %)"
        out.append(text + ".")
    return out


def emobox_published() -> pd.DataFrame:
    """EmoBox's Table 5 on RAVDESS and SAVEE (``sertl/data/papers/emobox.yaml``)."""
    from importlib import resources

    import yaml

    path = resources.files("sertl").joinpath("data", "papers", "emobox.yaml")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return pd.DataFrame(spec["values"])


#: Measured while issue 18 was written (eGeMAPS + random forest on EmoBox's lists, whole
#: source for training): UAR % with per-speaker standardisation. (Its runs without it
#: standardised with the source's statistics, a baseline no longer run.)
EARLIER = {
    ("ravdess", "savee"): {"eGeMAPS + RF, per-speaker z": 60.0},
    ("savee", "ravdess"): {"eGeMAPS + RF, per-speaker z": 47.9},
}


def earlier_sentences(ours: pd.DataFrame) -> list[str]:
    """The measurements of issue 18 against this run's, on the same lists."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), values in EARLIER.items():
        parts = []
        for method, before in values.items():
            rows = whole[
                (whole["source"] == source)
                & (whole["target"] == target)
                & (whole["method"] == method)
            ]
            if len(rows):
                now = " and ".join(
                    f"{r['accuracy']:.1f} %"
                    + (f" ({_z_label(r['z_from'])})" if "per-speaker" in method else "")
                    for _, r in rows.iterrows()
                )
                parts.append(f"{method}: {now} here, {before:.1f} % then")
        if parts:
            out.append(f"{pair_name(source, target)}: " + "; ".join(parts) + ".")
    return out


def emobox_standardisation(ours: pd.DataFrame) -> list[str]:
    """Per list: each baseline's accuracy without and with per-speaker standardisation."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), g in whole.groupby(["source", "target"], sort=False):
        acc = g.set_index(["method", "z_from"])["accuracy"]
        parts = []
        for m in [m for m in ZERO_SHOT if METHODS[m].paper == BASE and "per-speaker" not in m]:
            z = f"{m}, per-speaker z"
            if (m, "list") not in acc.index or z not in acc.index.get_level_values(0):
                continue
            withz = ", ".join(
                f"{acc[(z, f)]:.1f} % ({_z_label(f)})" for f in Z_FROM if (z, f) in acc.index
            )
            parts.append(f"{m} {acc[(m, 'list')]:.1f} % without, {withz} with")
        if parts:
            out.append(f"{pair_name(source, target)}: " + "; ".join(parts) + ".")
    return out


def whisper_sizes(ours: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Whisper on the same lists: EmoBox's published Whisper rows beside our tiny.en ones.

    EmoBox's rows are its large models with its head; ours are tiny.en's mean-pooled
    encoder states with the baselines' classifiers (:data:`~.methods.BASELINE_INPUTS`).

    Args:
        ours: :func:`emobox_cell` rows.
        published: Columns ``method, source, target, value`` (EmoBox's Table 5).

    Returns:
        Per pair and model: accuracy (%), who ran it and whether it uses target speech;
        empty when neither side has a Whisper row.
    """
    rows = []
    pub = published[published["method"].str.contains("Whisper", case=False)]
    for _, p in pub.iterrows():
        rows.append(
            {
                "pair": pair_name(p["source"], p["target"]),
                "model": p["method"],
                "by": "EmoBox (published)",
                "accuracy": float(p["value"]),
                "uses target speech": "no",
            }
        )
    whole = ours[(ours["scope"] == "list") & ours["method"].str.startswith("Whisper")]
    for _, r in whole.iterrows():
        rows.append(
            {
                "pair": pair_name(r["source"], r["target"]),
                "model": emobox_name(r["method"], r["z_from"]),
                "by": "sertl (this run)",
                "accuracy": float(r["accuracy"]),
                "uses target speech": "yes" if "per-speaker" in r["method"] else "no",
            }
        )
    if not rows:
        return pd.DataFrame(columns=["pair", "model", "by", "accuracy", "uses target speech"])
    out = pd.DataFrame(rows).sort_values(["pair", "accuracy"], ascending=[True, False])
    out["accuracy"] = out["accuracy"].round(1)
    return out.set_index(["pair", "model"])


def whisper_size_sentences(ours: pd.DataFrame, published: pd.DataFrame) -> list[str]:
    """Per list: our best tiny.en row without target speech against EmoBox's Whisper rows."""
    table = whisper_sizes(ours, published).reset_index()
    out = []
    for pair, g in table.groupby("pair", sort=False):
        pub = g[g["by"] == "EmoBox (published)"]
        mine = g[(g["by"] != "EmoBox (published)") & (g["uses target speech"] == "no")]
        if not len(pub) or not len(mine):
            continue
        top, big = mine.iloc[0], pub.iloc[0]
        gap = big["accuracy"] - top["accuracy"]
        out.append(
            f"{pair}: our best Whisper tiny.en row without target speech, {top['model']}, "
            f"reaches {top['accuracy']:.1f} % on EmoBox's list; EmoBox's {big['model']} "
            f"reaches {big['accuracy']:.1f} % ({abs(gap):.1f} points "
            f"{'higher' if gap >= 0 else 'lower'}), with a larger model and its own head."
        )
    return out
