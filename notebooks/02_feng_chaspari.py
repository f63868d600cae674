# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A Siamese network with a modified distance loss
#
# This chapter reproduces Feng & Chaspari {cite}`feng2021siamese`. A Siamese
# network learns whether two utterances express the same emotion; trained on
# a source corpus, it classifies target speech by comparing it with labelled
# references. The paper's proposal is to fine-tune it on a handful of target
# utterances with an extra loss that pulls same-emotion embeddings together
# and pushes different emotions apart.
#
# **The paper's protocol.** Target RAVDESS; sources CREMA-D and eNTERFACE'05;
# the 64-dimensional subset of the openSMILE IS09 features; four emotions
# (anger, happiness, sadness, fear); UAR. Baselines: out-of-domain transfer
# (OODT: train on the source, classify target speech against source
# references) and in-domain training (IDT: leave-one-speaker-out on the
# target, the upper bound). Fine-tuning the OODT model on one random sample
# per emotion from each of $n$ random target speakers ($n = 2, 4, \dots, 20$),
# the other target speakers as test, 10 repeats, with none, the first, or the
# first two extractor layers frozen; with and without the distance loss.

# %% tags=["parameters"]
profile = "default"
data = "auto"  # real corpora where SERTL_DATA has them, else synthetic
target = "ravdess"
sources = ["enterface05", "crema_d", "emodb", "emovo", "savee"]
feature_set = "IS09_64"
source_epochs = 60
idt_epochs = 40
idt_folds = None  # leave-one-speaker-out folds to run (None: every speaker)
finetune_epochs = 30
speaker_counts = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
frozen_layers = [0, 1, 2]
repeats = 10
distance_weight = 1.0
lr = 1e-3
umap_neighbors = 15
seed = 0
results_dir = "results/02_feng_chaspari"

# %%
try:
    import sertl
except ImportError:  # pragma: no cover - only on a fresh notebook server
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "git+https://github.com/sertl/sertl"],
        check=True,
    )
    import sertl

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from IPython.display import Markdown, display
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from sertl import features, papers, plots, results, stats
from sertl.device import resolve_device, seed_everything, stable_seed
from sertl.metrics import confusion, uar
from sertl.models import SiameseNet, classify, train_siamese
from sertl.protocols import FewShotSplit, LeaveOneSpeakerOut
from sertl.provenance import Provenance, data_banner

plt.rcParams.update({"figure.dpi": 110, "savefig.bbox": "tight"})
device = resolve_device("auto")
seed_everything(seed)
torch.set_num_threads(max(1, torch.get_num_threads()))
prov = Provenance(
    "02_feng_chaspari",
    profile,
    dict(
        data=data,
        target=target,
        sources=sources,
        source_epochs=source_epochs,
        idt_epochs=idt_epochs,
        idt_folds=idt_folds,
        finetune_epochs=finetune_epochs,
        speaker_counts=speaker_counts,
        frozen_layers=frozen_layers,
        repeats=repeats,
        distance_weight=distance_weight,
        lr=lr,
    ),
    seed,
    device,
)
EMOTIONS = ["angry", "happy", "sad", "fear"]


def run_seed(*parts) -> int:  # noqa: ANN002
    """A seed for one model of the grid, stable across processes."""
    return stable_seed(seed, *parts)


# %% [markdown]
# ## Data
#
# RAVDESS is real here. The paper's sources, CREMA-D and eNTERFACE'05, are
# licensed and not available to us; their rows run when you configure them in
# `SERTL_DATA`. In their place the same protocol runs with the real corpora
# that are available and carry the four emotions: EmoDB, EMOVO and SAVEE.
# These are acted too, but in German, Italian and British English, with 10,
# 6 and 4 speakers; CREMA-D has 91 speakers and eNTERFACE'05 42. Expect the
# absolute numbers to differ from the paper's for that reason alone.

# %%
chosen, kind, skipped = sertl.corpora.resolve([target, *sources], data)
if target not in chosen:
    raise RuntimeError(f"the target {target} is not available")
run_sources = [s for s in sources if s in chosen]
display(Markdown(data_banner({c: kind for c in chosen})))
if skipped:
    display(Markdown(f"Sources not configured here, left out: {', '.join(skipped)}."))
extractor = features.OpenSmileExtractor(feature_set)
corpus = {}
for name in chosen:
    table = sertl.corpora.get(name, data=kind)
    table = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
    table, x = features.extract_table(table, extractor)
    table.attrs["feature_failures"].show()
    corpus[name] = (table, x)
    prov.add_data(table)
label_index = {e: i for i, e in enumerate(EMOTIONS)}
display(pd.DataFrame({n: t["emotion"].value_counts().reindex(EMOTIONS) for n, (t, _) in corpus.items()}).T)

# %% [markdown]
# ## Method
#
# **Network.** A shared extractor $f$ of 64, 32 and 16 ReLU units maps an
# utterance's features to a 16-d embedding. After Koch et al., the decision
# network $g$ (16 ReLU units, then one sigmoid unit) sees the element-wise L1
# distance of two embeddings:
#
# $$ p(\text{same} \mid a, b) = \sigma\big(g(|f(a) - f(b)|)\big), $$
#
# trained with binary cross-entropy on pairs. Each epoch draws, for every
# utterance, one partner of the same emotion and one of a different emotion.
#
# **Classification.** A test utterance $x$ is compared with every labelled
# reference $r$ available (source utterances, plus the target support set after
# fine-tuning). The paper picks the class with the highest log-sum of
# similarity; we read it as the class $c$ with the highest *mean* log
# similarity over its references $R_c$,
#
# $$ \hat y = \arg\max_c \frac{1}{|R_c|} \sum_{r \in R_c} \log p(\text{same} \mid x, r), $$
#
# which equals the log-sum up to a constant when classes have as many
# references, and does not favour a class for having fewer references.
#
# **Distance loss**, the paper's equation (1), on the extractor's outputs of
# the utterances in a batch, with $\bar d_{\neq}$ and $\bar d_{=}$ the mean
# Euclidean distances of different-class and same-class pairs:
#
# $$ L_d = \frac{\bar d_{\neq} + \bar d_{=}}{\bar d_{\neq} - \bar d_{=}}. $$
#
# During fine-tuning each batch minimises $L_{\text{BCE}} + \lambda L_d$ with
# $\lambda$ = `distance_weight` (the paper does not give a weight). A batch
# with no same-class or no different-class pair contributes $L_d = 0$, and the
# denominator is clamped at 0.01 (`sertl.losses.DistanceRatioLoss`).
#
# Features are standardised with the statistics of the training data of each
# model (the source for OODT and fine-tuning, the training speakers for IDT).

# %%
tgt, x_tgt = corpus[target]
y_tgt = tgt["emotion"].map(label_index).to_numpy()
spk_tgt = tgt["speaker"].to_numpy()
rows = []

# in-domain training: leave one target speaker out
folds = list(LeaveOneSpeakerOut().split(x_tgt, y_tgt, spk_tgt))
if idt_folds is not None:
    folds = [folds[i] for i in np.random.default_rng(seed).choice(len(folds), idt_folds, replace=False)]
for train, test in tqdm(folds, desc="IDT folds"):
    scaler = StandardScaler().fit(x_tgt[train])
    torch.manual_seed(run_seed("idt", spk_tgt[test][0]))
    net = SiameseNet(x_tgt.shape[1])
    train_siamese(
        net,
        scaler.transform(x_tgt[train]),
        y_tgt[train],
        idt_epochs,
        lr=lr,
        seed=run_seed("idt-pairs", spk_tgt[test][0]),
        device=device,
    )
    pred = classify(net, scaler.transform(x_tgt[test]), scaler.transform(x_tgt[train]), y_tgt[train], device)
    rows.append(
        {
            "source": target,
            "method": "IDT",
            "frozen": np.nan,
            "speakers": np.nan,
            "repeat": spk_tgt[test][0],
            "uar": 100 * uar(y_tgt[test], pred),
        }
    )
print(f"IDT: {np.mean([r['uar'] for r in rows]):.1f} % UAR over {len(folds)} folds")

# %% [markdown]
# ## Out-of-domain transfer and fine-tuning

# %%
oodt_models, embeddings = {}, {}
for src_name in run_sources:
    src, x_src = corpus[src_name]
    y_src = src["emotion"].map(label_index).to_numpy()
    scaler = StandardScaler().fit(x_src)
    xs, xt = scaler.transform(x_src), scaler.transform(x_tgt)
    torch.manual_seed(run_seed("oodt", src_name))
    base = SiameseNet(xs.shape[1])
    history = train_siamese(
        base, xs, y_src, source_epochs, lr=lr, seed=run_seed("oodt-pairs", src_name), device=device
    )
    pred = classify(base, xt, xs, y_src, device)
    rows.append(
        {
            "source": src_name,
            "method": "OODT",
            "frozen": np.nan,
            "speakers": np.nan,
            "repeat": 0,
            "uar": 100 * uar(y_tgt, pred),
        }
    )
    oodt_models[src_name] = base
    grid = [(n, r) for n in speaker_counts for r in range(repeats)]
    for n, r in tqdm(grid, desc=f"fine-tuning from {src_name}"):
        split = FewShotSplit(k=1, n_speakers=n, n_repeats=1, seed=run_seed("support", n, r))
        support, test = next(split.split(xt, y_tgt, spk_tgt))
        refs, ref_y = np.vstack([xs, xt[support]]), np.concatenate([y_src, y_tgt[support]])
        for frozen in frozen_layers:
            for with_loss in (False, True):
                net = SiameseNet(xs.shape[1])
                net.load_state_dict(base.state_dict())
                net.freeze(frozen)
                torch.manual_seed(run_seed("ft", src_name, n, r, frozen, with_loss))
                train_siamese(
                    net,
                    xt[support],
                    y_tgt[support],
                    finetune_epochs,
                    lr=lr,
                    batch_size=32,
                    distance_weight=distance_weight if with_loss else 0.0,
                    seed=run_seed("ft-pairs", src_name, n, r),
                    device=device,
                )
                pred = classify(net, xt[test], refs, ref_y, device)
                method = "fine-tuning + distance loss" if with_loss else "fine-tuning"
                rows.append(
                    {
                        "source": src_name,
                        "method": method,
                        "frozen": frozen,
                        "speakers": n,
                        "repeat": r,
                        "uar": 100 * uar(y_tgt[test], pred),
                    }
                )
                if n == max(speaker_counts) and r == 0 and frozen == 0:
                    with torch.no_grad():
                        emb = net.embed(torch.as_tensor(xt[test], dtype=torch.float32, device=device))
                    embeddings[(src_name, with_loss)] = (emb.cpu().numpy(), y_tgt[test], pred)
scores = pd.DataFrame(rows)
results.save(scores, results_dir, "scores", prov.record())
print(f"{len(scores)} evaluations")

# %% [markdown]
# ## Table 1
#
# For each source: OODT; IDT (the same for every source: it never sees the
# source); fine-tuning and fine-tuning with the distance loss at their best
# setting of frozen layers and target speakers, as in the paper. UAR %, mean ±
# standard deviation over repeats (over left-out speakers for IDT). Choosing
# the best cell of a grid on the test data favours the grid, here as in the
# paper; Figure 2 shows the whole grid.

# %%
published = papers.published("feng_chaspari")


def paper(method: str, src: str) -> float:
    """The paper's value, or NaN."""
    hit = published[(published["method"] == method) & (published["source"] == src)]
    return float(hit["value"].iloc[0]) if len(hit) else np.nan


idt = scores[scores["method"] == "IDT"]["uar"]
table_rows = []
for src_name in run_sources:
    sub = scores[scores["source"] == src_name]
    oodt = sub[sub["method"] == "OODT"]["uar"]
    entry = {
        "source": src_name,
        "OODT": f"{oodt.mean():.1f}",
        "OODT (paper)": paper("OODT", src_name),
        "IDT": f"{idt.mean():.1f} ± {idt.std(ddof=0):.1f}",
        "IDT (paper)": paper("IDT", target),
    }
    for method in ("fine-tuning", "fine-tuning + distance loss"):
        cells = sub[sub["method"] == method].groupby(["frozen", "speakers"])["uar"]
        best = cells.mean().idxmax()
        values = cells.get_group(best)
        entry[method] = (
            f"{values.mean():.1f} ± {values.std(ddof=0):.1f} (frozen {int(best[0])}, n={int(best[1])})"
        )
        entry[f"{method} (paper)"] = paper(method, src_name)
    table_rows.append(entry)
table1 = pd.DataFrame(table_rows).set_index("source")
results.save(table1.reset_index(), results_dir, "table1")
display(table1.astype(object).fillna("-").T)

# %% [markdown]
# The paper's values are for its sources (eNTERFACE'05 and CREMA-D); for the
# substitute sources the paper column is empty, and the comparison is of
# the pattern (OODT < fine-tuning < fine-tuning with the loss < IDT) rather
# than of the numbers.

# %% [markdown]
# ## Figure 2: UAR against the number of target speakers

# %%
ft = scores[scores["method"].str.startswith("fine-tuning")]
fig, axes = plt.subplots(
    1, len(run_sources), figsize=(4.2 * len(run_sources), 3.6), sharey=True, squeeze=False
)
for ax, src_name in zip(axes[0], run_sources, strict=True):
    for frozen in frozen_layers:
        for method, style in (("fine-tuning", "--"), ("fine-tuning + distance loss", "-")):
            cell = ft[(ft["source"] == src_name) & (ft["method"] == method) & (ft["frozen"] == frozen)]
            grid = cell.pivot_table(index="speakers", columns="repeat", values="uar")
            plots.band(
                ax,
                grid.index.to_numpy(),
                grid.to_numpy(),
                f"{frozen} frozen, {'loss' if '+' in method else 'no loss'}",
                colour=f"C{frozen}",
            )
            ax.lines[-1].set_linestyle(style)
    oodt = scores[(scores["source"] == src_name) & (scores["method"] == "OODT")]["uar"].mean()
    ax.axhline(oodt, color="0.4", lw=1, ls=":", label="OODT")
    ax.axhline(idt.mean(), color="k", lw=1, ls="-.", label="IDT")
    ax.set(title=f"{src_name} → {target}", xlabel="target speakers n", ylabel="UAR (%)")
axes[0, -1].legend(fontsize=7, frameon=False, loc="lower right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Embeddings after fine-tuning
#
# UMAP of the 16-d embeddings of the target test utterances after
# fine-tuning on the largest number of speakers with no layer frozen (first
# repeat), without and with the distance loss.

# %%
src_name = run_sources[0]
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
for ax, with_loss in zip(axes, (False, True), strict=True):
    emb, y_true, pred = embeddings[(src_name, with_loss)]
    xy = plots.umap_embedding(emb, seed=seed, n_neighbors=umap_neighbors)
    plots.scatter(
        ax,
        xy,
        [EMOTIONS[i] for i in y_true],
        f"{'with' if with_loss else 'without'} the loss: UAR {100 * uar(y_true, pred):.1f} %",
        plots.EMOTION_COLOURS,
    )
plt.show()
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
for ax, with_loss in zip(axes, (False, True), strict=True):
    _, y_true, pred = embeddings[(src_name, with_loss)]
    plots.heatmap(
        ax,
        confusion([EMOTIONS[i] for i in y_true], [EMOTIONS[i] for i in pred], EMOTIONS),
        f"confusion, {'with' if with_loss else 'without'} the loss",
    )
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Do the paper's claims hold here?
#
# 1. *The distance loss helps.* For each source, a Wilcoxon signed-rank test
#    of UAR with against without the loss, paired over every frozen-layer
#    setting, speaker count and repeat (the same support set in both arms),
#    Holm-corrected over the sources.
# 2. *The source matters more than the frozen layers.* The share of the
#    variance of fine-tuned UAR explained by the source and by the number of
#    frozen layers ($\eta^2$ of each factor).

# %%
paired = []
for src_name in run_sources:
    sub = ft[ft["source"] == src_name].pivot_table(
        index=["frozen", "speakers", "repeat"], columns="method", values="uar"
    )
    diff, p = stats.paired_repeats(sub["fine-tuning + distance loss"], sub["fine-tuning"])
    paired.append(
        {
            "source": src_name,
            "pairs": len(sub),
            "mean gain (points)": round(diff, 2),
            "loss better in": f"{(sub['fine-tuning + distance loss'] > sub['fine-tuning']).mean():.0%}",
            "p": p,
        }
    )
paired = pd.DataFrame(paired)
paired["p (Holm)"] = stats.holm(paired["p"])
results.save(paired, results_dir, "loss_paired_test")
display(paired.set_index("source"))


def eta_squared(frame: pd.DataFrame, factor: str) -> float:
    """Share of the variance of UAR explained by the means of one factor."""
    grand = frame["uar"].mean()
    between = frame.groupby(factor)["uar"].agg(lambda v: len(v) * (v.mean() - grand) ** 2).sum()
    return float(between / ((frame["uar"] - grand) ** 2).sum())


effects = pd.DataFrame({"eta²": {f: eta_squared(ft, f) for f in ("source", "frozen", "speakers", "method")}})
results.save(effects.reset_index(names="factor"), results_dir, "variance_explained")
display(effects.round(3))
gain = paired["mean gain (points)"]
display(
    Markdown(
        f"Across sources the loss changes fine-tuned UAR by {gain.min():+.1f} to {gain.max():+.1f} points. "
        f"The source explains {effects.loc['source', 'eta²']:.0%} of the variance of fine-tuned UAR, "
        f"the frozen layers {effects.loc['frozen', 'eta²']:.0%}."
    )
)

# %% [markdown]
# ## Summary
#
# - A Siamese network trained on one corpus transfers to RAVDESS only a
#   little above chance (OODT), well below in-domain training (IDT).
# - Fine-tuning on one utterance per emotion from a few target speakers
#   recovers part of the gap, more with more speakers (Figure 2).
# - Whether the distance loss helps, and whether the source matters more than
#   the frozen layers, is answered above with paired tests on this data; the
#   paper reports gains of 7.0 (eNTERFACE'05) and 5.6 (CREMA-D) points.
# - Protocol differences: substitute sources where CREMA-D and eNTERFACE'05
#   are not configured; openSMILE 3's IS09; our reading of the log-sum rule;
#   the loss weight $\lambda$ and the training schedules are ours; the
#   `default` profile uses fewer repeats and speaker counts than the paper.
#
# ## Exercises
#
# 1. Show that $L_d \ge 1$ whenever $\bar d_{\neq} > \bar d_{=}$, and that it
#    tends to 1 as same-class pairs collapse. What does minimising it do when
#    $\bar d_{\neq} < \bar d_{=}$ at the start of fine-tuning?
# 2. Replace the mean log similarity by the plain sum over references. With
#    the source's unbalanced classes (EmoDB has twice as many angry as sad
#    utterances), which class does the sum favour, and why?
# 3. Fine-tuning uses only $4n$ utterances. Why does freezing the first
#    layers matter more for small $n$? Check it in Figure 2.
#
# ```{admonition} Solutions
# :class: dropdown
# 1. With $a = \bar d_{\neq} > b = \bar d_{=} \ge 0$, $(a + b)/(a - b) \ge 1$
#    with equality iff $b = 0$. When $a < b$ the true ratio is negative; the
#    clamped denominator makes the loss large and its gradient, through the
#    numerator, shrinks all distances, which is why the clamp should stay small
#    and the loss is combined with the pair loss.
# 2. Each log similarity is negative, so a sum over more references is more
#    negative: the sum favours the classes with *fewer* references (here sad),
#    whatever the test utterance.
# 3. With few target utterances, training every layer overfits them; frozen
#    early layers keep the source's general acoustic mapping and only adapt the
#    last layers.
# ```

# %%
display(Markdown(prov.markdown()))
