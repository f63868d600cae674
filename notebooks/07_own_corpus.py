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
# # Your own corpus
#
# The four papers train on one acted corpus and test on another. A course, or a
# researcher with new recordings, wants to ask the same question of their own
# data: *trained on EmoDB, how well does a model recognise the emotions in my
# corpus?* This page walks from a folder of recordings to that cross-corpus
# table: it loads the folder with one call, shows how the new corpus differs
# from the book's corpora before any model does, and then trains on a
# registered corpus and tests on yours, with the feature sets and classifiers
# the papers use.
#
# **What you will learn**
# - the two layouts `sertl` reads (one folder per label, or a `labels.csv`), how
#   label names in any of seven languages map onto the canonical emotions, and
#   where speakers come from;
# - how to use your corpus by name in every chapter (`SERTL_DATA`, `corpus.yaml`);
# - how far your corpus lies from the others (MMD, an embedding), and what
#   that shift costs a classifier trained elsewhere;
# - why per-speaker standardisation is the first thing to try across corpora.

# %% tags=["parameters"]
profile = "default"
data = "auto"  # the registered corpora: real where SERTL_DATA has them, else synthetic
seed = 0
corpus_root = None  # your corpus folder; None: a synthetic one in the same layout
corpus = None  # or the name of your corpus in SERTL_DATA (its folder name)
labels = None  # label map for names the synonym table lacks, e.g. {"Schreck": "fear"}
speaker = None  # speaker regex; None: the file-name prefix before "_"
language = None  # ISO 639 code of your corpus, e.g. "de"
sources = ["emodb", "ravdess"]  # registered corpora to train on
emotion_set = ["angry", "happy", "sad", "neutral"]
feature_sets = ["eGeMAPSv02", "IS10"]
classifiers = ["forest", "svm"]
standardise = ["source", "corpus", "speaker"]
n_trees = 200
n_splits = 5  # speaker-independent folds of the within-corpus reference
max_files = None  # files per corpus for quick runs (None: all)
mmd_samples = 300
umap_neighbors = 15
scheduler = None

# %% tags=["remove-input"]
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import sertl
from sertl import features, overview, plots, verdict
from sertl.corpora import synthetic
from sertl.experiments import GridOptions, own_corpus

ctx = sertl.chapter.setup(globals(), chapter="07_own_corpus")

# %% tags=["remove-input"]
ctx.this_run()

# %% [markdown]
# ## A folder of recordings
#
# `sertl` reads two layouts. The simplest is one folder per label, with the
# speaker's code at the start of each file name:
#
# ```text
# my_corpus/
#     Wut/SF01_wut_01.wav      label "Wut", speaker SF01
#     Freude/SM03_freude_02.wav
#     ...
# ```
#
# The other is any folder tree with a `labels.csv` at its top, with the columns
# `file` (relative to the corpus folder) and `label`, and optionally `speaker`,
# `gender` and `session`. Excel's byte-order mark and its semicolons are
# understood.
#
# With `corpus_root = None` this page writes a **synthetic** corpus in the first
# layout (German label folders `Wut`, `Freude`, `Trauer`, `Angst`, `Neutral`; eight
# speakers `SF01`-`SF04`, `SM01`-`SM04`), so that it runs on a fresh machine.
# It is made by the same generator as the book's synthetic stand-ins: its
# numbers show that the steps work, not how real speech behaves. Set
# `corpus_root` to your folder (or `corpus` to its name in `SERTL_DATA`) to run
# this page on your recordings.

# %%
if corpus is None and corpus_root is None:
    if data == "real":
        raise ValueError("data='real' needs your corpus: set corpus_root or corpus")
    root, kind = synthetic.folder_corpus(), "synthetic"
else:
    if data == "synthetic":
        raise ValueError("your corpus is real: data='synthetic' would mix it with stand-ins")
    root = sertl.config.corpus_root(corpus) if corpus else Path(corpus_root).expanduser()
    kind = "real"
name = corpus or "mine"
folders = sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith("."))
display(
    pd.DataFrame(
        {
            "folder": [p.name for p in folders],
            "files": [len(list(p.glob("*.wav"))) for p in folders],
        }
    )
    .set_index("folder")
    .T
)

# %% [markdown]
# ## Loading with one call
#
# `sertl.corpora.load("folder", root=...)` returns the standard table every
# chapter uses. Label names are matched to the canonical emotions without
# regard to case or accents, through a synonym table kept as data
# (`sertl/data/emotion_synonyms.csv`: English, German, Italian, French,
# Spanish, Portuguese and Dutch names, and the corpora's own codes such as
# `ang`, `exc` or `neu`). Speakers come from the file-name
# prefix before the first `_`, or from a regular expression, whose group
# `gender` (optional) gives the gender:
# `speaker=r"^(?P<speaker>S(?P<gender>[MF])\d+)_"`.

# %%
given = {"labels": labels, "speaker": speaker, "language": language}
options = {k: v for k, v in given.items() if v is not None}
if corpus:
    mine = sertl.corpora.load(corpus, **options)
else:
    mine = sertl.corpora.load("folder", root=root, corpus=name, **options)
mine.attrs["origin"] = kind  # the synthetic folder corpus is not a recording
ctx.prov.add_data(mine)
summary = mine.groupby(["label", "emotion"]).agg(
    files=("file", "size"), speakers=("speaker", "nunique")
)
display(summary)

# %% tags=["remove-input"]
speakers_known = not mine["speaker"].isna().any()
dropped = mine.attrs.get("dropped") or {}
who = (
    f"{mine['speaker'].nunique()} speakers (from the {mine.attrs['speaker_rule']})"
    if speakers_known
    else "no speaker information (what needs speakers is left out below)"
)
failures = mine.attrs["failures"].failures
display(
    Markdown(
        f"**{name}** ({kind} data): {len(mine)} files, {who}; labels mapped "
        + ", ".join(f"`{k}` → {v}" for k, v in mine.attrs["label_map"].items())
        + (f"; dropped (mapped to `None`): {dropped}" if dropped else "")
        + (f"; {len(failures)} files unusable (listed above)" if failures else "")
        + "."
    )
)

# %% [markdown]
# A label the synonym table does not know stops the loader with one message
# that lists every such label with an example file, and shows both fixes.
# Here a copy of one file sits in a folder called `Schreck` (fright):

# %%
with tempfile.TemporaryDirectory() as tmp:
    (Path(tmp) / "Schreck").mkdir()
    (Path(tmp) / "Schreck" / "SF01_1.wav").write_bytes(Path(mine["file"].iloc[0]).read_bytes())
    try:
        sertl.corpora.load("folder", root=tmp)
    except sertl.corpora.CorpusError as error:
        print(str(error).replace(tmp, "<tmp>"))

# %% [markdown]
# `labels={"Schreck": "fear"}` maps it for one call; `None` drops a label (the
# loader counts what it dropped). The other bad inputs a real corpus brings are
# named too: a `labels.csv` row without a speaker names its line, a repeated
# row is reported, a broken link or an unreadable file is listed with the
# loader's failure report and never dropped silently, and a file name the
# speaker pattern does not match is named.
#
# ## Your corpus in every chapter
#
# Put the folder into the data folder, `$SERTL_DATA/mycorpus/`, and
# `mycorpus` is a corpus name like `emodb`: `sertl.corpora.names()` lists it,
# and the chapters take it as a parameter, for example as chapter 2's target
# (`python -m sertl.book run --chapter 02_feng_chaspari -p target=mycorpus`),
# one of chapter 4's `corpora`, one side of a chapter 5 pair
# (`-p 'pairs=[["emodb", "mycorpus"]]'`), or one of chapter 1's corpora. The
# options above go once into `$SERTL_DATA/mycorpus/corpus.yaml`:
#
# ```yaml
# title: My corpus
# language: de
# labels: {Schreck: fear, Sonstiges: null}
# speaker: '^(?P<speaker>S(?P<gender>[MF])\d+)_'
# ```
#
# Your corpus is real data, so a chapter that uses it runs with `data=auto`
# and the real corpora configured beside it; a name that is not a corpus stops
# a chapter at once with the list of known names. A corpus without speaker
# information can be a source corpus, and the test corpus of the table below;
# the speaker-independent protocols (every chapter's target, per-speaker
# standardisation) need speakers, and say so.

# %% [markdown]
# ## How your corpus differs from the others
#
# The registered corpora below are of the same kind as yours: real only when
# your corpus is real (and they are configured), synthetic stand-ins when it is
# synthetic. Comparing a real corpus with a synthetic one would measure the
# generator.

# %%
if kind == "real":
    chosen, source_kind, skipped = sertl.corpora.resolve(sources, "auto")
    if source_kind != "real":
        raise RuntimeError(
            f"none of {sources} is configured in SERTL_DATA: configure one to train on"
        )
else:
    chosen, source_kind, skipped = list(sources), "synthetic", []
shared = [e for e in emotion_set if e in set(mine["emotion"].dropna())]
tables, lacking = {name: mine}, []
for source in chosen:
    table = sertl.corpora.get(source, data=source_kind)
    if not set(shared) <= set(table["emotion"].dropna()):
        lacking.append(source)  # a source without one of the emotions cannot be compared
        continue
    tables[source] = table
    ctx.prov.add_data(table)
chosen = [s for s in chosen if s in tables]
tables = {
    n: sertl.corpora.subsample(t[t["emotion"].isin(shared)].reset_index(drop=True), max_files, seed)
    for n, t in tables.items()
}
display(
    Markdown(
        ctx.banner()
        + f" Emotions: {', '.join(shared)}."
        + (f" Not configured, left out: {', '.join(skipped)}." if skipped else "")
        + (f" Without all of these emotions, left out: {', '.join(lacking)}." if lacking else "")
    ),
    Markdown(sertl.corpora.coverage.note({name: mine}, emotion_set)),
)
display(overview.counts(tables))

# %%
feats = {}
for feature_set in feature_sets:
    extractor = features.OpenSmileExtractor(feature_set)
    for corpus_name, table in tables.items():
        ok, x = features.extract_table(table, extractor)
        ok.attrs["feature_failures"].show()
        feats[(corpus_name, feature_set)] = (ok, x)

# %% [markdown]
# The maximum mean discrepancy (MMD) measures how far two samples of feature
# vectors lie apart. The diagonal compares two halves of one corpus's
# speakers: the shift between speakers, against which the shift between
# corpora is read (chapter 1 explains the estimator).

# %%
first = feature_sets[0]
shift_input = {}
for corpus_name in tables:
    ok, x = feats[(corpus_name, first)]
    if ok["speaker"].isna().any():  # no speakers: halves of the files instead
        ok = ok.assign(speaker=ok["file"])
    shift_input[corpus_name] = (ok, x)
mmd = overview.mmd_matrix(shift_input, n_samples=mmd_samples, seed=seed)
ctx.save(mmd.rename_axis("corpus").reset_index(), "mmd")
nearest = mmd.loc[name].drop(name).idxmin()

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(4.8, 3.6))
plots.heatmap(
    ax,
    mmd,
    f"Squared MMD of {first} features (diagonal: speaker halves)",
    fmt=".3f",
    cmap="rocket_r",
)
fig.tight_layout()
plt.show()

# %% tags=["remove-input"]
verdict.say(
    overview.shift_sentence(mmd),
    f"Nearest to {name}: **{nearest}** (squared MMD {mmd.loc[name, nearest]:.3f}); "
    f"{name}'s own {'speaker halves' if speakers_known else 'halves (of its files: no speakers)'}"
    f": {mmd.loc[name, name]:.3f}.",
)

# %%
x_all = np.vstack([feats[(n, first)][1] for n in tables])
corpus_of = np.concatenate([[n] * len(feats[(n, first)][0]) for n in tables])
emotion_of = np.concatenate(
    [feats[(n, first)][0]["emotion"].astype(str).to_numpy() for n in tables]
)
xy = plots.umap_embedding(x_all, seed=seed, n_neighbors=umap_neighbors)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.8))
plots.scatter(axes[0], xy, corpus_of, f"UMAP of {first}: by corpus")
plots.scatter(axes[1], xy, emotion_of, "by emotion", palette=plots.EMOTION_COLOURS)
fig.tight_layout()
plt.show()

# %% tags=["remove-input"]
verdict.say(overview.cluster_sentence(x_all, corpus_of.tolist(), emotion_of.tolist()))

# %% [markdown]
# ## Trained elsewhere, tested on your corpus
#
# Each source corpus trains a classifier on the shared emotions, with the
# functionals of one openSMILE set (eGeMAPS, 88 features, or IS10, 1582) and a
# random forest or an RBF support vector machine (class-balanced), and the
# classifier is tested on all of your corpus. The features are standardised in
# one of three ways: with the training corpus's statistics (the usual
# pipeline), each corpus with its own, or each speaker with their own,
#
# $$ \tilde x = (x - \mu_s) / \sigma_s $$
#
# for the files of speaker $s$; the test speakers' statistics come from their
# unlabelled speech. The within-corpus reference trains on your corpus itself
# in speaker-independent folds: how well these features and classifiers can
# do on your corpus without a corpus shift. The score is the unweighted
# average recall in percent (UAR, chance = 100 % / number of emotions), on the
# whole corpus and per test speaker; the speakers are the independent units of
# every interval and test.

# %%
settings = own_corpus.Settings.from_params(ctx.params)
results = own_corpus.run(
    feats,
    target=name,
    sources=chosen,
    feature_sets=feature_sets,
    classifiers=classifiers,
    standardisations=standardise if speakers_known else [s for s in standardise if s != "speaker"],
    seed=seed,
    within=speakers_known,
    settings=settings,
    grid=GridOptions(fingerprint=ctx.fingerprint(name, shared), scheduler=scheduler),
)
ctx.save(results, "cross_corpus")
display(own_corpus.table(results))

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(7.0, 3.2))
trains = list(dict.fromkeys(results["train"]))
for i, train in enumerate(trains):
    top = own_corpus.best(results[results["train"] == train], within=train == own_corpus.WITHIN)
    per = own_corpus.per_speaker(results, top)
    ax.scatter(np.full(len(per), i) + np.linspace(-0.15, 0.15, len(per)), per, s=14, color=f"C{i}")
    ax.plot([i - 0.25, i + 0.25], [top["uar"]] * 2, color="black", lw=1.5)
ax.axhline(100 / len(shared), color="grey", ls=":", lw=1, label="chance")
tops = [own_corpus.best(results[results["train"] == t], t == own_corpus.WITHIN) for t in trains]
ax.set_xticks(range(len(trains)), [f"{b['train']}\nper {b['standardise']}" for b in tops])
ax.set(
    ylabel=f"UAR on {name} (%)",
    title="Best setting per training corpus: per test speaker (dots), whole corpus (line)",
)
ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
fig.tight_layout()
plt.show()

# %% tags=["remove-input"]
verdict.say(*own_corpus.findings(results, name, kind))

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
top = own_corpus.best(results)
verdict.say(
    f"- This page ran on **{kind}** data: {name} "
    + (
        "(the synthetic folder corpus; set `corpus_root` for your recordings)"
        if kind == "synthetic"
        else "(your recordings)"
    )
    + f" against {', '.join(chosen)} ({source_kind}).",
    f"- {name} loaded with one call: {len(mine)} files, {who}; labels "
    + ", ".join(f"{k} → {v}" for k, v in mine.attrs["label_map"].items())
    + ("" if labels is None else " (with the label map given)")
    + ".",
    f"- Its nearest registered corpus in {first} space is {nearest}; the best cross-corpus UAR, "
    f"{top['uar']:.1f} %, comes from training on {top['train']} ({top['features']}, "
    f"{top['classifier']}, {own_corpus.SCALING_WORDS[top['standardise']]}).",
)

# %% [markdown]
# ## Exercises
#
# 1. Record or collect a few minutes of emotional speech of your own (or take a
#    corpus from the literature), arrange it as above and run this page with
#    `-p corpus_root=/path/to/it`. Which registered corpus is nearest to it,
#    and does the nearest one also train the best classifier for it?
# 2. Rename one label folder to a word the synonym table does not know. Read
#    the error, then fix it once with `labels=` and once with a `corpus.yaml`.
# 3. Why may per-speaker standardisation use the test speakers' speech without
#    leaking their labels? What would a deployed system need before it could
#    standardise a new speaker's voice?
# 4. Put your corpus into `SERTL_DATA` and run chapter 5 with it as the target
#    of a pair. Which of Andova & Luštrek's transfer methods helps most?
#
# ```{admonition} Answers (short)
# :class: dropdown
# 3. The statistics (mean, standard deviation) are computed from the features
#    alone, never from labels; the classifier never sees a test label. A system
#    needs enough of a speaker's speech (of any emotion) to estimate them, which
#    is why per-speaker standardisation adapts after a warm-up, not at once.
# ```

# %% tags=["remove-input"]
ctx.finish()
