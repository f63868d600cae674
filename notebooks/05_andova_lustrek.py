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
# # Transferring knowledge between emotional speech datasets
#
# This chapter reproduces Andova & Luštrek {cite}`andova2021transfer`. They ask
# a practical question: a new application has a few labelled recordings of its
# own speakers and a large emotional speech corpus recorded elsewhere. How
# should the two be combined? With openSMILE's emobase2010 features and a
# random forest they compare three scenarios and five transfer methods.
#
# **The paper's protocol.** Four emotions (neutral, anger, joy, sadness);
# emobase2010 (IS10) functionals, 1582 per utterance; a random forest of 1000
# trees with maximum depth 10; a majority classifier for reference. Datasets
# EmoDB, EMOVO, IEMOCAP and SAVEE, with SAVEE and IEMOCAP as targets.
#
# - *Scenario 1*: train on the whole source, test on the whole target.
# - *Scenario 2*: train on one target subject, test on the other target
#   subjects, averaged over every subject.
# - *Scenario 3*: train on the whole source plus one target subject, test on
#   the other target subjects, averaged likewise.
#
# Five transfer methods, all under scenario 3: a deep belief network (DBN)
# after Latif et al.; a fully connected network (FCNN) trained on the source
# whose output layer alone is then fine-tuned on the target subject; a
# multi-task random forest; normalisation on neutral speech; normalisation on
# the feature distribution.

# %% tags=["parameters"]
profile = "default"
data = "auto"  # real corpora where SERTL_DATA has them, else synthetic
pairs = [
    ["emodb", "savee"],
    ["emovo", "savee"],
    ["iemocap", "savee"],
    ["emodb", "iemocap"],
    ["emovo", "iemocap"],
    ["savee", "iemocap"],
    ["emodb", "ravdess"],
    ["emovo", "ravdess"],
]
feature_set = "IS10"
n_trees = 1000
max_depth = 10
seeds = [0, 1]
max_subjects = None  # target subjects per pair (None: all, as the paper)
fcnn_epochs = 40
fcnn_batch = 32
dbn_hidden = [512, 256, 128]
dbn_epochs = 40
n_jobs = -1
seed = 0
results_dir = "results/05_andova_lustrek"

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
import seaborn as sns
from IPython.display import Markdown, display
from sklearn.ensemble import RandomForestClassifier
from tqdm import tqdm

from sertl import features, papers, plots, results, stats
from sertl.device import resolve_device, seed_everything
from sertl.metrics import uar, wa
from sertl.models import DBNClassifier, TransferFCNN
from sertl.provenance import Provenance, data_banner
from sertl.transfer import DistributionMapper, MultiTaskForest, NeutralNormalizer

plt.rcParams.update({"figure.dpi": 110, "savefig.bbox": "tight"})
device = resolve_device("auto")
seed_everything(seed)
prov = Provenance(
    "05_andova_lustrek",
    profile,
    dict(
        data=data,
        pairs=pairs,
        feature_set=feature_set,
        n_trees=n_trees,
        max_depth=max_depth,
        seeds=seeds,
        max_subjects=max_subjects,
        fcnn_epochs=fcnn_epochs,
        fcnn_batch=fcnn_batch,
        dbn_hidden=dbn_hidden,
        dbn_epochs=dbn_epochs,
    ),
    seed,
    device,
)
EMOTIONS = ["neutral", "angry", "happy", "sad"]

# %% [markdown]
# ## Data
#
# The paper's corpora EmoDB, EMOVO and SAVEE are configured here, so the SAVEE
# rows (EmoDB to SAVEE, EMOVO to SAVEE) are a real reproduction. IEMOCAP is
# licensed and not available to us: its rows run when you configure it
# (`SERTL_DATA/iemocap`). Beyond the paper we add RAVDESS as a further target.

# %%
wanted = sorted({c for pair in pairs for c in pair})
chosen, source_kind, skipped = sertl.corpora.resolve(wanted, data)
run_pairs = [(s, t) for s, t in pairs if s in chosen and t in chosen]
dropped_pairs = [(s, t) for s, t in pairs if (s, t) not in run_pairs]
display(Markdown(data_banner({c: source_kind for c in chosen})))
if dropped_pairs:
    display(
        Markdown(
            "Pairs left out because a corpus is not configured: "
            + ", ".join(f"{s} → {t}" for s, t in dropped_pairs)
            + ". Set `SERTL_DATA` to a folder holding them to run these rows."
        )
    )

extractor = features.OpenSmileExtractor(feature_set)
corpus = {}
for name in chosen:
    table = sertl.corpora.get(name, data=source_kind)
    table = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
    table, x = features.extract_table(table, extractor)
    table.attrs["feature_failures"].show()
    corpus[name] = (table, x)
    prov.add_data(table)
summary = pd.DataFrame(
    {n: t["emotion"].value_counts().reindex(EMOTIONS).fillna(0).astype(int) for n, (t, _) in corpus.items()}
).T
summary["subjects"] = [corpus[n][0]["speaker"].nunique() for n in summary.index]
display(summary)

# %% [markdown]
# ## Methods, and the choices where the paper is ambiguous
#
# **Normalisation on neutral speech** (normalisation 1). For each dataset $d$
# and feature $f$, with $N_d$ its neutral training speech and $A_d$ all its
# training speech:
#
# $$ \tilde x_f = \frac{x_f - \operatorname{mean}_{N_d}(x_f)}{\operatorname{std}_{A_d}(x_f)}. $$
#
# For the target, the training speech is the one labelled target subject;
# the unlabelled test subjects are normalised with the statistics of that
# subject (our reading: the test speakers' own neutral speech would need
# their labels). As a cheap alternative we also show the same normalisation
# with the mean of *all* training speech (plain per-dataset standardisation).
#
# **Normalisation on the feature distribution** (normalisation 2). For each
# emotion $e$ and feature $f$, the target's training values are cut into five
# bins of equal frequency, with edges $t_0 < \dots < t_5$ at the 0, 20, ..., 100
# percentiles; the source's values of the same emotion have edges
# $s_0, \dots, s_5$. A source value $x \in [s_k, s_{k+1}]$ becomes
#
# $$ \tilde x = t_k + (x - s_k)\,\frac{t_{k+1} - t_k}{s_{k+1} - s_k}, $$
#
# so the same proportion of source speech falls into each target bin. The
# target's speech, labelled and unlabelled, stays as it is (the paper does not
# say how unlabelled speech is treated; mapping it would need its emotion).
#
# **Multi-task random forest.** Each (dataset, emotion) is a class of its
# own; the target subject's speech is oversampled to the size of the source;
# the prediction is the target emotion with the highest probability.
#
# **FCNN.** 1000, 500 and 300 tanh units and a softmax over four emotions,
# trained on the source (`fcnn_epochs` epochs, Adam), with every input
# standardised by the source's statistics (our choice; the paper does not say);
# all layers but the output are then frozen, and the output layer is trained
# on the target subject. The source network is trained once per source and
# seed and fine-tuned separately for each target subject.
#
# **DBN.** The paper gives no sizes. Our choice: three Bernoulli RBMs
# (`dbn_hidden`: 512, 256 and 128 units in the `paper` profile, 256, 128 and 64
# in `default`) pre-trained greedily on the min-max scaled training speech
# (source and target subject), then the sigmoid network with a softmax
# output fine-tuned end to end on the same speech.


# %%
def forest(random_state: int) -> RandomForestClassifier:
    """The paper's random forest."""
    return RandomForestClassifier(
        n_estimators=n_trees, max_depth=max_depth, random_state=random_state, n_jobs=n_jobs
    )


def score(method, scenario, pair, s, subject, y_true, y_pred, rows, preds):  # noqa: ANN001
    """Record accuracy and UAR of one evaluation, and keep the predictions."""
    rows.append(
        {
            "source": pair[0],
            "target": pair[1],
            "seed": s,
            "subject": subject,
            "scenario": scenario,
            "method": method,
            "n_test": len(y_true),
            "accuracy": 100 * wa(y_true, y_pred),
            "uar": 100 * uar(y_true, y_pred),
        }
    )
    preds[(pair, s, subject, method)] = (np.asarray(y_true), np.asarray(y_pred))


rows, preds = [], {}
units = [(pair, s) for pair in run_pairs for s in seeds]
for (src_name, tgt_name), s in tqdm(units, desc="pairs x seeds"):
    pair = (src_name, tgt_name)
    src, x_src = corpus[src_name]
    tgt, x_tgt = corpus[tgt_name]
    y_src, y_tgt = src["emotion"].to_numpy(), tgt["emotion"].to_numpy()
    spk = tgt["speaker"].to_numpy()
    # reference: the majority class of the target, and scenario 1
    majority = pd.Series(y_tgt).value_counts().index[0]
    score("majority", "reference", pair, s, "all", y_tgt, np.full(len(y_tgt), majority), rows, preds)
    model = forest(s).fit(x_src, y_src)
    score("random forest", "scenario 1", pair, s, "all", y_tgt, model.predict(x_tgt), rows, preds)
    # the FCNN's source training does not depend on the target subject: train it once
    fcnn_source = TransferFCNN(
        epochs=fcnn_epochs,
        fine_tune_epochs=fcnn_epochs,
        batch_size=fcnn_batch,
        device=device,
        random_state=s,
    ).fit(x_src, y_src)
    subjects = sorted(set(spk))
    if max_subjects is not None and len(subjects) > max_subjects:
        subjects = sorted(np.random.default_rng(s).choice(subjects, max_subjects, replace=False))
    for subject in subjects:
        tr, te = spk == subject, spk != subject
        xt, yt, xe, ye = x_tgt[tr], y_tgt[tr], x_tgt[te], y_tgt[te]
        if len(set(yt)) < 2:
            continue
        x3, y3 = np.vstack([x_src, xt]), np.concatenate([y_src, yt])
        dom = np.array(["source"] * len(y_src) + ["target"] * len(yt))
        score(
            "random forest",
            "scenario 2",
            pair,
            s,
            subject,
            ye,
            forest(s).fit(xt, yt).predict(xe),
            rows,
            preds,
        )
        score(
            "random forest",
            "scenario 3",
            pair,
            s,
            subject,
            ye,
            forest(s).fit(x3, y3).predict(xe),
            rows,
            preds,
        )
        mt = MultiTaskForest("target", n_trees, max_depth, s, n_jobs).fit(x3, y3, dom)
        score("multi-task RF", "scenario 3", pair, s, subject, ye, mt.predict(xe), rows, preds)
        norm = NeutralNormalizer().fit(x3, y3, dom)
        model = forest(s).fit(norm.transform(x3, dom), y3)
        pred = model.predict(norm.transform(xe, np.full(len(ye), "target")))
        score("normalisation 1 (neutral)", "scenario 3", pair, s, subject, ye, pred, rows, preds)
        # the alternative: every emotion's mean instead of neutral's (plain standardisation)
        alt = NeutralNormalizer().fit(x3, np.full(len(y3), "neutral"), dom)
        model = forest(s).fit(alt.transform(x3, dom), y3)
        pred = model.predict(alt.transform(xe, np.full(len(ye), "target")))
        score(
            "normalisation 1, all-speech mean (alternative)",
            "scenario 3",
            pair,
            s,
            subject,
            ye,
            pred,
            rows,
            preds,
        )
        mapper = DistributionMapper(5).fit(x_src, y_src, xt, yt)
        x_mapped = np.vstack([mapper.transform(x_src, y_src), xt])
        score(
            "normalisation 2 (distribution)",
            "scenario 3",
            pair,
            s,
            subject,
            ye,
            forest(s).fit(x_mapped, y3).predict(xe),
            rows,
            preds,
        )
        fcnn = fcnn_source.fine_tune(xt, yt)
        score(
            "FCNN, output layer fine-tuned", "scenario 3", pair, s, subject, ye, fcnn.predict(xe), rows, preds
        )
        dbn = DBNClassifier(hidden=dbn_hidden, epochs=dbn_epochs, device=device, random_state=s).fit(x3, y3)
        score("DBN", "scenario 3", pair, s, subject, ye, dbn.predict(xe), rows, preds)
scores = pd.DataFrame(rows)
results.save(scores, results_dir, "scores", prov.record())
print(f"{len(scores)} evaluations")

# %% [markdown]
# ## Table 2: the three scenarios
#
# Accuracy as the paper reports it (WA, %), with UAR beside it, as mean ± standard deviation
# over target subjects and seeds (scenarios 2 and 3) or over seeds
# (scenario 1). The paper's value stands beside each cell where its text gives
# one; a dash means the value is not available to us.

# %%
published = papers.published("andova_lustrek")


def paper_value(method_key: str, src: str, tgt: str) -> float:
    """The published accuracy, or NaN."""
    hit = published[
        (published["method"] == method_key) & (published["source"] == src) & (published["target"] == tgt)
    ]
    return float(hit["value"].iloc[0]) if len(hit) else np.nan


def fmt(values: pd.Series) -> str:
    """Mean ± std of a column."""
    return f"{values.mean():.1f} ± {values.std(ddof=0):.1f}"


table2_rows = []
keys = {
    "reference": "majority",
    "scenario 1": "scenario 1",
    "scenario 2": "scenario 2",
    "scenario 3": "scenario 3",
}
for (src_name, tgt_name), group in scores.groupby(["source", "target"], sort=False):
    for scenario, key in keys.items():
        sub = group[(group["scenario"] == scenario) & group["method"].isin(["random forest", "majority"])]
        table2_rows.append(
            {
                "source → target": f"{src_name} → {tgt_name}",
                "setting": key,
                "accuracy (ours)": fmt(sub["accuracy"]),
                "accuracy (paper)": paper_value(key, src_name, tgt_name),
                "UAR (ours)": fmt(sub["uar"]),
                "mean accuracy": sub["accuracy"].mean(),
            }
        )
table2 = pd.DataFrame(table2_rows)
results.save(table2.drop(columns=["accuracy (ours)", "UAR (ours)"]), results_dir, "table2")
display(
    table2.drop(columns=["mean accuracy"])
    .astype(object)
    .fillna("-")
    .set_index(["source → target", "setting"])
)

# %% [markdown]
# ## Table 3: the transfer methods (scenario 3)

# %%
method_order = [
    "random forest",
    "DBN",
    "FCNN, output layer fine-tuned",
    "multi-task RF",
    "normalisation 1 (neutral)",
    "normalisation 1, all-speech mean (alternative)",
    "normalisation 2 (distribution)",
]
paper_key = {"random forest": "scenario 3", "normalisation 2 (distribution)": "normalisation 2"}
s3 = scores[scores["scenario"] == "scenario 3"]
table3_rows = []
for (src_name, tgt_name), group in s3.groupby(["source", "target"], sort=False):
    base = group[group["method"] == "random forest"].set_index(["seed", "subject"])
    tests = []
    for method in method_order:
        sub = group[group["method"] == method].set_index(["seed", "subject"])
        row = {
            "source → target": f"{src_name} → {tgt_name}",
            "method": "baseline (scenario 3 RF)" if method == "random forest" else method,
            "accuracy (ours)": fmt(sub["accuracy"]),
            "accuracy (paper)": paper_value(paper_key.get(method, "-"), src_name, tgt_name),
            "UAR (ours)": fmt(sub["uar"]),
            "mean accuracy": sub["accuracy"].mean(),
            "mean uar": sub["uar"].mean(),
            "p vs baseline": np.nan,
        }
        if method != "random forest" and len(sub) > 1:
            joined = pd.merge(
                sub[["accuracy"]],
                base[["accuracy"]],
                left_index=True,
                right_index=True,
                suffixes=("", "_base"),
            ).dropna()
            _, p = stats.paired_repeats(joined["accuracy"], joined["accuracy_base"])
            tests.append((len(table3_rows), p))
        table3_rows.append(row)
    if tests:  # Holm's correction over the methods compared with the baseline
        adjusted = stats.holm([p for _, p in tests])
        for (i, _), p_adj in zip(tests, adjusted, strict=True):
            table3_rows[i]["p vs baseline"] = p_adj
table3 = pd.DataFrame(table3_rows)
results.save(table3.drop(columns=["accuracy (ours)", "UAR (ours)"]), results_dir, "table3")
display(
    table3.drop(columns=["mean accuracy", "mean uar"])
    .astype(object)
    .fillna("-")
    .set_index(["source → target", "method"])
)

# %%
n_pairs = s3[s3["method"] == "random forest"].groupby(["source", "target"]).size()
display(
    Markdown(
        "The last column is Holm-corrected p of a Wilcoxon signed-rank test of each "
        "method's accuracy against the scenario-3 baseline, paired over target subjects "
        "and seeds: "
        + ", ".join(f"{n} pairs for {s} → {t}" for (s, t), n in n_pairs.items())
        + ". With few pairs only large, consistent differences can reach significance."
    )
)

# %%
fig, ax = plt.subplots(figsize=(10, 4))
plot_rows = scores[scores["scenario"].isin(["scenario 1", "scenario 2", "scenario 3"])].copy()
plot_rows["setting"] = np.where(
    plot_rows["method"] == "random forest", plot_rows["scenario"], plot_rows["method"]
)
plot_rows["pair"] = plot_rows["source"] + " → " + plot_rows["target"]
sns.barplot(data=plot_rows, x="pair", y="uar", hue="setting", errorbar="sd", ax=ax)
ax.axhline(25, color="0.3", ls=":", lw=1)
ax.set(ylabel="UAR (%)", xlabel="", title="UAR per pair and method (chance 25 %)")
ax.legend(fontsize=7, ncol=2, frameon=False)
plt.show()

# %% [markdown]
# ## Figure 1, extended: what the normalisations do to a feature
#
# The distribution of mean loudness per emotion in a source and a target
# corpus, before normalisation and after each of the two normalisations
# (fitted on the whole source and one target subject).

# %%
feature_name = "pcm_loudness_sma_amean" if feature_set == "IS10" else extractor.feature_names[0]
column = extractor.feature_names.index(feature_name)
src_name, tgt_name = run_pairs[0]
src, x_src = corpus[src_name]
tgt, x_tgt = corpus[tgt_name]
y_src, y_tgt = src["emotion"].to_numpy(), tgt["emotion"].to_numpy()
subject = sorted(tgt["speaker"].unique())[0]
tr = tgt["speaker"].to_numpy() == subject
x3, y3 = np.vstack([x_src, x_tgt[tr]]), np.concatenate([y_src, y_tgt[tr]])
dom = np.array(["source"] * len(y_src) + ["target"] * int(tr.sum()))
norm = NeutralNormalizer().fit(x3, y3, dom)
mapper = DistributionMapper(5).fit(x_src, y_src, x_tgt[tr], y_tgt[tr])
views = {
    "raw": (x_src, x_tgt),
    "normalisation 1 (neutral)": (
        norm.transform(x_src, np.full(len(y_src), "source")),
        norm.transform(x_tgt, np.full(len(y_tgt), "target")),
    ),
    "normalisation 2 (distribution)": (mapper.transform(x_src, y_src), x_tgt),
}
fig, axes = plt.subplots(2, 3, figsize=(13, 5.5), sharey="row")
for j, (title, (a, b)) in enumerate(views.items()):
    for i, (name, x, y) in enumerate([(src_name, a, y_src), (tgt_name, b, y_tgt)]):
        frame = pd.DataFrame({"value": x[:, column], "emotion": y})
        sns.kdeplot(
            data=frame,
            x="value",
            hue="emotion",
            common_norm=False,
            ax=axes[i, j],
            hue_order=EMOTIONS,
            palette={e: plots.EMOTION_COLOURS[e] for e in EMOTIONS},
            legend=(i == 0 and j == 0),
            warn_singular=False,
        )
        axes[i, j].set(title=f"{name}: {title}" if i == 0 else f"{name}", xlabel=feature_name)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Does the paper's story hold here?

# %%
headline = []
for (src_name, tgt_name), group in scores.groupby(["source", "target"], sort=False):
    mean = group.groupby(["scenario", "method"])["accuracy"].mean()
    s1, s2, s3 = (
        mean[("scenario 1", "random forest")],
        mean[("scenario 2", "random forest")],
        mean[("scenario 3", "random forest")],
    )
    best = mean.xs("scenario 3", level="scenario").drop("random forest").idxmax()
    headline.append(
        f"- **{src_name} → {tgt_name}**: scenario 1 {s1:.1f} %, scenario 2 {s2:.1f} %, scenario 3 "
        f"{s3:.1f} % accuracy; adding one target subject to the source "
        f"{'helps' if s3 > s1 else 'does not help'} ({s3 - s1:+.1f} points) and "
        f"{'beats' if s3 > s2 else 'does not beat'} the target subject alone ({s3 - s2:+.1f}). "
        f"Best transfer method: {best} ({mean[('scenario 3', best)]:.1f} %), "
        f"{'above' if mean[('scenario 3', best)] > s3 else 'not above'} the scenario-3 baseline "
        f"({mean[('scenario 3', best)] - s3:+.1f} points)."
    )
display(Markdown("\n".join(headline)))

# %% [markdown]
# ## Summary
#
# - Training on another corpus alone (scenario 1) transfers poorly; a single
#   labelled target subject carries more information than a whole foreign
#   corpus (scenario 2), and the two together (scenario 3) are best, as the
#   paper found. The numbers above say how far this holds on the corpora
#   configured here.
# - The transfer methods add little over plain data pooling with a random
#   forest; normalisation on the feature distribution is the paper's best, and
#   the table shows whether it is here, with a paired test over subjects.
# - Protocol differences from the paper: our emobase2010 comes from openSMILE
#   3 (the `opensmile` Python package); the DBN sizes, the treatment of
#   unlabelled speech in both normalisations and the FCNN training schedule
#   are our choices, stated above; we add RAVDESS as a target and UAR beside
#   accuracy.
#
# ## Exercises
#
# 1. Why is the majority classifier's accuracy on SAVEE 40 %, and what is its
#    UAR? Which of the paper's scenario-1 results fall *below* the majority
#    baseline, and what does that say about accuracy as a metric here?
# 2. Normalisation 1 needs neutral speech from every dataset. Rewrite it so
#    that the target's statistics come from *unlabelled* test speech (all of
#    it, no labels). Which assumption does that make about the test set?
# 3. Run the chapter with `max_depth=None`. Does the random forest overfit the
#    source corpus more, and does scenario 1 get worse?
#
# ```{admonition} Solutions
# :class: dropdown
# 1. SAVEE holds 120 neutral utterances of 300 in the four classes: always
#    answering *neutral* is right 40 % of the time, and its UAR is 25 %
#    (one class of four fully recalled). A scenario-1 accuracy below 40 % (the
#    paper's 29 % for EmoDB → SAVEE) is worse than the majority classifier
#    by accuracy, though its UAR can still be above chance.
# 2. Use `NeutralNormalizer` with every test row labelled `"neutral"` for the
#    target domain, i.e. standardise the target with its own test statistics.
#    This assumes the test set's emotion mix resembles the training mix; a
#    test set of mostly angry speech would be shifted towards neutral.
# 3. Deeper trees fit source-specific detail (speakers, channel); scenario 1
#    usually does not improve and can drop, while scenario 2 overfits the one
#    target subject more strongly.
# ```

# %%
display(Markdown(prov.markdown()))
