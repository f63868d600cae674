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
# # The corpora and the corpus shift
#
# Every paper in this book trains on one emotional speech corpus and tests on
# another. This chapter looks at the corpora themselves before any model does:
# how many files each holds per emotion and speaker, how long they are, how
# each corpus's own labels map onto one canonical scheme (and which survive in
# each paper's four-class setting), and how far apart the corpora lie in
# acoustic feature space. That distance, the *corpus shift*, is what all four
# papers fight.
#
# **What you will learn**
# - the layout and label sets of RAVDESS {cite}`livingstone2018ravdess`, EmoDB
#   {cite}`burkhardt2005emodb`, EMOVO {cite}`costantini2014emovo` and SAVEE
#   {cite}`haq2008savee`, and of the corpora the papers use that are licensed
#   (CREMA-D, eNTERFACE'05, IEMOCAP, MSP-IMPROV);
# - why class priors differ between corpora and what that does to accuracy;
# - how to measure a corpus shift with the maximum mean discrepancy (MMD).

# %% tags=["parameters"]
profile = "default"
data = "auto"  # real corpora where SERTL_DATA has them, else synthetic
corpora = ["ravdess", "emodb", "emovo", "savee"]  # registered names or your own corpora
max_files = None  # files per corpus for quick runs (None: all)
mmd_samples = 400  # files per corpus in each MMD estimate
umap_neighbors = 15
seed = 0

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import sertl
from sertl import emotions, features, overview, plots

ctx = sertl.chapter.setup(globals(), chapter="01_data_overview")
ctx.this_run()

# %% [markdown]
# ## Which data this chapter uses
#
# With `data="auto"` a corpus is used when `SERTL_DATA` holds it. When at least
# one real corpus is configured, only real corpora are compared (a synthetic
# stand-in beside a real corpus would measure our generator, not a corpus
# shift); otherwise every requested corpus is a synthetic stand-in.

# %%
tables = {
    name: sertl.corpora.subsample(table, max_files, seed)
    for name, table in ctx.corpora(corpora).items()
}
skipped = sorted(set(corpora) - set(tables))
display(
    Markdown(ctx.banner() + (f" Not configured here: {', '.join(skipped)}." if skipped else ""))
)

# %% [markdown]
# ## Files per emotion and speaker
#
# Each corpus's own labels are kept in the column `label`; `emotion` holds the
# canonical name. The counts below are of canonical emotions.

# %%
display(overview.counts(tables))
display(overview.describe(tables))
ctx.save(
    overview.counts(tables).drop(index="total").stack().rename("files").reset_index(), "counts"
)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.2))
per_speaker = pd.concat(tables.values()).groupby(["corpus", "speaker"]).size()
for corpus, group in per_speaker.groupby(level="corpus"):
    axes[0].plot(range(1, len(group) + 1), group.to_numpy(), marker="o", ms=3, label=corpus)
axes[0].set(xlabel="speaker (sorted by id)", ylabel="files", title="Files per speaker")
axes[0].xaxis.get_major_locator().set_params(integer=True)
axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
order = sorted(tables)
durations = [tables[c]["duration"].dropna().to_numpy(dtype=float) for c in order]
axes[1].boxplot(durations, showfliers=False)
axes[1].set_xticks(range(1, len(order) + 1), order, rotation=30)
axes[1].set(ylabel="seconds", title="Utterance durations")
fig.tight_layout()
plt.show()

# %% [markdown]
# Lian et al. cut or pad every utterance to a fixed 4 to 7 s; the box plot
# shows how much of each corpus such a crop keeps (chapter 3 measures it).
# Speakers are balanced in the acted corpora, which makes
# leave-one-speaker-out folds comparable in size.

# %% [markdown]
# ## Label harmonisation
#
# Labels are data: one canonical scheme (with valence and arousal coordinates
# used by Yue et al.) and one mapping per corpus, in that corpus's module of
# `sertl.corpora`. The table lists every corpus the book knows, whether or not
# it is configured here, and marks which canonical emotions each paper's
# four-class setting keeps. A chapter that merges classes (Lian et al. merge
# IEMOCAP's *excited* into *happy*) does so with a parameter of its own; the
# corpus table keeps the corpus's label.

# %% tags=["hide-output"]
harmonisation = overview.harmonisation()
ctx.save(harmonisation, "label_harmonisation")
display(harmonisation.set_index(["corpus", "label"]))

# %% [markdown]
# The class priors of the four-class sets differ between corpora, and a
# classifier's accuracy (WA) rewards predicting the majority class; this is
# why the book reports UAR beside WA.

# %%
priors = overview.class_priors(tables)
ctx.save(priors, "class_priors")
display(priors.set_index(["paper", "corpus"]))

# %% tags=["hide-input"]
coords = emotions.SCHEME.loc[list(emotions.EMOTIONS)]
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.4))
colours = [plots.EMOTION_COLOURS.get(e, "k") for e in coords.index]
axes[0].scatter(coords["valence"], coords["arousal"], c=colours)
for emotion, (v, a) in coords.iterrows():
    axes[0].annotate(emotion, (v, a), fontsize=8, xytext=(3, 3), textcoords="offset points")
axes[0].axhline(0, color="0.8", lw=0.8)
axes[0].axvline(0, color="0.8", lw=0.8)
axes[0].set(xlabel="valence", ylabel="arousal", title="The canonical scheme")
distance = emotions.emotion_distance(list(emotions.FOUR_CLASS["yue"]))
plots.heatmap(axes[1], distance, "Emotion distance (Yue et al.)", cmap="mako")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Acoustic features and the corpus shift
#
# We describe every file with the 384 INTERSPEECH 2009 Emotion Challenge
# functionals {cite}`schuller2009is09` (openSMILE `IS09`), the feature set of
# Feng & Chaspari's chapter. Features are cached on disk by file content, so a
# second run reads them back in seconds.

# %%
extractor = features.OpenSmileExtractor("IS09")
feats = {name: features.extract_table(t, extractor, progress=False) for name, t in tables.items()}
for name, (ok, _) in feats.items():
    failures = ok.attrs["feature_failures"]
    print(f"{name}: {len(ok)} of {len(tables[name])} files have features")
    if failures:
        print(failures.summary())

# %% [markdown]
# A UMAP projection of the standardised features of the four emotions all
# papers share (angry, happy, sad, neutral), coloured once by corpus and once
# by emotion. If emotion were what the features mostly encode, the colours on
# the right would form the clusters.

# %% tags=["hide-input"]
shared = ["angry", "happy", "sad", "neutral"]
display(Markdown(sertl.corpora.coverage.note(tables, shared)))
keep = {n: ok["emotion"].isin(shared).to_numpy() for n, (ok, _) in feats.items()}
X = np.vstack([x[keep[n]] for n, (_, x) in feats.items()])
by_corpus = [n for n, (ok, _) in feats.items() for _ in range(int(keep[n].sum()))]
by_emotion = [e for n, (ok, _) in feats.items() for e in ok.loc[keep[n], "emotion"]]
xy = plots.umap_embedding(X, seed=seed, n_neighbors=umap_neighbors)
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
plots.scatter(axes[0], xy, by_corpus, "IS09, coloured by corpus")
plots.scatter(axes[1], xy, by_emotion, "IS09, coloured by emotion", plots.EMOTION_COLOURS)
fig.tight_layout()
plt.show()
clusters = overview.cluster_sentence(xy, by_corpus, by_emotion)
display(Markdown(clusters))

# %% [markdown]
# ## How far apart are the corpora?
#
# The squared maximum mean discrepancy {cite}`gretton2012mmd` between two
# samples $X = \{x_i\}_{i=1}^n$ and $Y = \{y_j\}_{j=1}^m$ with kernel $k$ is
# estimated without bias by
#
# $$
# \widehat{\mathrm{MMD}}^2 = \frac{1}{n(n-1)}\sum_{i \ne i'} k(x_i, x_{i'})
#   + \frac{1}{m(m-1)}\sum_{j \ne j'} k(y_j, y_{j'})
#   - \frac{2}{nm}\sum_{i,j} k(x_i, y_j),
# $$
#
# here with an RBF kernel whose width is the median pairwise distance. Each
# corpus is compared with every other, and, on the diagonal, with itself
# split by speaker (half of its speakers against the other half): the
# diagonal is the shift between speakers of one corpus, the scale against
# which the corpus shift should be read.

# %%
mmd = overview.mmd_matrix(feats, n_samples=mmd_samples, seed=seed)
ctx.save(mmd.rename_axis("corpus").reset_index(), "mmd")
fig, ax = plt.subplots(figsize=(4.5, 3.8))
plots.heatmap(ax, mmd, "Squared MMD of IS09 features\n(diagonal: speaker halves)", fmt=".3f")
plt.show()
shift = overview.shift_sentence(mmd)
display(Markdown(shift))

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
display(
    Markdown(
        f"""- The corpora here ({", ".join(sorted(tables))}) differ in size, speakers,
  language, durations and class priors (tables above), and each names its
  emotions differently; one mapping per corpus onto a canonical scheme makes
  them comparable, and each paper keeps four classes.
- {clusters}
- {shift}
- Data: {ctx.origin} corpora."""
    )
)

# %% [markdown]
# ## Exercises
#
# 1. Which corpus has the most unbalanced four-class priors in the table above,
#    and what UAR does a classifier that always predicts the majority class
#    reach on it? What WA?
# 2. Recompute the MMD table with `mmd_samples=100`. Which entries change most,
#    and why does the estimate of a small shift become unreliable?
# 3. Standardise the features *per corpus* (each corpus to zero mean and unit
#    variance) before the UMAP. What happens to the corpus clusters? Which of
#    Andova & Luštrek's normalisations is this close to?
#
# ```{admonition} Solutions
# :class: dropdown
# 1. Read the `class_priors` table: a majority classifier recalls one class
#    fully and the others not at all, so its UAR is always 1/4 = 25 % whatever
#    the priors, while its WA equals the majority class's share.
# 2. The diagonal and the smallest off-diagonal entries move most: the
#    unbiased estimator's variance grows as $1/n$, and a small true MMD can even
#    be estimated below zero.
# 3. The corpus clusters largely collapse, because much of the shift is a
#    per-corpus offset and scale of the features (level, channel). This is
#    close to normalisation on all speech; Andova & Luštrek's normalisation 1
#    subtracts the mean of the *neutral* speech instead.
# ```

# %% tags=["remove-input"]
ctx.finish()
