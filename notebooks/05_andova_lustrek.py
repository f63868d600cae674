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
# This chapter reproduces Andova & Luštrek {cite}`andova2021transfer`. Their
# question is a practical one: an application has a few labelled recordings
# of its own speakers and a large emotional speech corpus recorded elsewhere.
# Does the foreign corpus help, and how should the two be combined? They
# compare three ways of training a random forest and five transfer methods.
#
# **The paper's protocol.** Four emotions (neutral, anger, joy, sadness);
# openSMILE's emobase2010 functionals (1582 per utterance); a random forest of
# 1000 trees of depth at most 10; accuracy. Targets SAVEE (4 speakers) and
# IEMOCAP, sources EmoDB, EMOVO, IEMOCAP and SAVEE, six pairs in all.
#
# - *Scenario 1*: train on the whole source, test on the whole target.
# - *Scenario 2*: train on one target subject, test on the other subjects;
#   every subject is the training subject once and the accuracies are averaged.
# - *Scenario 3*: as scenario 2, with the whole source added to the training data.
#
# Five transfer methods, all under scenario 3 and each compared with the
# scenario-2 forest: a deep belief network (DBN) with the parameters of
# Latif et al.; a fully connected network (FCNN) trained on the source whose
# output layer alone is then fine-tuned on the target subject; a multi-task
# forest; normalisation on neutral speech (normalisation 1); normalisation on
# the feature distribution (normalisation 2). The paper finds scenario 1 the
# poorest, mostly not above the majority classifier; scenario 3 overall poorer
# than scenario 2, so that the source adds little (though it helps on the two
# SAVEE rows with EmoDB and EMOVO as sources); and normalisation 2 the most
# helpful method, by up to 9 points over the scenario-2 forest (EmoDB → SAVEE).

# %% [markdown]
# ```{admonition} Differences from the paper
# :class: warning
# - **IEMOCAP** is licensed and not available here, so four of the six pairs
#   (IEMOCAP → SAVEE and the three with target IEMOCAP: 36 of the 54 published
#   cells) do not run; their verdicts say "not run". Configure it in
#   `SERTL_DATA` and they run unchanged. The paper never mentions IEMOCAP's
#   `excited`; its Table 1 counts 94 joyful IEMOCAP utterances, a subset of
#   IEMOCAP's happy speech that the text does not identify, and its majority
#   accuracy on IEMOCAP (34 %) is the angry share of that table's pool. We keep
#   `excited` apart from `happy` (`merge_excited = False`), the closer reading,
#   but cannot rebuild the paper's exact pool.
# - **The DBN.** The paper takes its parameters from Latif et al. (2018). We
#   could not obtain that paper's text here (public pages give its abstract
#   only), so the number and sizes of the RBM layers, the pre-training and
#   fine-tuning epochs, the learning rates and the batch size are ours
#   (`dbn_hidden`, `dbn_rbm_epochs`, `dbn_epochs`, `dbn_lr`). Under scenario 3
#   it is trained on the source and the target subject together.
# - **Unspecified by the paper, chosen here:** the FCNN's optimiser (Adam),
#   epochs, learning rate and batch size, and its inputs standardised with the
#   source's statistics; the test subjects in normalisation 1 are normalised
#   with the training subject's statistics (their own neutral mean would need
#   their labels).
# - **Normalisation 2.** The text leaves open whether its five equal-width bins
#   span the target's training values of all emotions or of each emotion (the
#   share of each bin is counted per emotion either way). We read the first,
#   since the paper bins every target utterance, test speech included, whose
#   emotion is unknown. The other reading would bin the training speech per
#   emotion but the test speech pooled, which scores near chance by
#   construction, so it is not run; a smooth quantile warping runs as a
#   variant.
# - **Multi-task forest.** The paper oversamples the target "until equal
#   distributions" without saying of what; we oversample the target subject's
#   speech to the size of the source.
# - **Scenario 1** never sees the target, so each subject's speech is scored
#   once (in its own cell): the subjects are then independent test units, and
#   their mean is the accuracy on the whole target when subjects have as many
#   utterances each (SAVEE's have). The **majority** classifier takes the
#   commonest emotion of the training subject and is scored on the other
#   subjects; it holds by construction (the share of that emotion), so the
#   scoreboard counts it apart.
# - **Normalisation 1 and multi-task against scenario 3.** In the paper,
#   normalisation 1 equals scenario 3 in all six rows and multi-task is within
#   1 point of it, as if the two methods left the forest's input unchanged; the
#   paper gives no reason. Ours change the input (the corpora standardised on
#   their own neutral speech; one class per corpus and emotion), and the
#   effects table below shows how far each lies from scenario 3.
# - **Intervals** are Student-t intervals over target subjects, the
#   independent unit, with seeds averaged within a subject; SAVEE has four, so
#   they are wide. The paper gives single numbers. A published value is
#   *reproduced* only when our whole interval lies within ± `equivalence_margin` points of
#   it, *not reproduced* when the interval excludes it, and *inconclusive*
#   otherwise.
# - **Beyond the paper:** RAVDESS as a further target, and UAR beside accuracy.
# - **Scale.** The `default` profile runs 200 trees instead of 1000, 2 seeds,
#   at most 4 subjects per target (all of SAVEE's) and a smaller DBN; the
#   `paper` profile runs the paper's scale:
#   `python -m sertl.book run --profile paper --chapter 05_andova_lustrek`.
# ```

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import sertl.chapter
from sertl import effects, papers, verdict
from sertl.experiments import GridOptions
from sertl.experiments import andova_lustrek as al
from sertl.transfer import DistributionBinner

# %% tags=["parameters"]
profile = "paper"
data = "auto"  # real corpora where SERTL_DATA has them, else synthetic
# fmt: off
pairs = [["emodb", "savee"], ["emovo", "savee"], ["iemocap", "savee"], ["emodb", "iemocap"],
         ["emovo", "iemocap"], ["savee", "iemocap"], ["emodb", "ravdess"], ["emovo", "ravdess"]]
# fmt: on
feature_set = "IS10"  # openSMILE's emobase2010
merge_excited = False  # IEMOCAP: the paper keeps excited apart from happy
n_trees = 1000
max_depth = 10
n_bins = 5
seeds = [0, 1, 2, 3, 4]
max_subjects = None  # training subjects per target (None: all, as the paper)
fcnn_hidden = [1000, 500, 300]
fcnn_epochs = 100
fcnn_finetune_epochs = 100
fcnn_batch = 32
fcnn_lr = 0.001
dbn_hidden = [512, 256, 128]
dbn_rbm_epochs = 10
dbn_epochs = 100
dbn_lr = 0.001
equivalence_margin = 5.0  # margin of equivalence (points) of the verdicts
scheduler = None  # grid backend: sequential, loky, dask or auto (SERTL_SCHEDULER)
seed = 0

# %% tags=["remove-input"]
ctx = sertl.chapter.setup(globals(), chapter="05_andova_lustrek")

# %% tags=["remove-input"]
ctx.this_run()

# %% [markdown]
# ## Data
#
# The corpora come from `SERTL_DATA` when configured, else from synthetic
# stand-ins with the same speakers; a run never mixes the two. Only the four
# emotions are kept. Beside our counts, the paper's Table 1.

# %% tags=["hide-input"]
tables = ctx.corpora(sorted({c for pair in pairs for c in pair}))
corpora = al.prepare(tables, feature_set=feature_set, merge_excited=merge_excited)
origin = ctx.origin
run_pairs = [(s, t) for s, t in pairs if s in corpora and t in corpora]
verdict.say(
    ctx.banner(),
    sertl.corpora.coverage.note(
        tables,
        al.EMOTIONS,
        needs="Normalisation 1 needs the training subject's neutral speech: it skips a "
        "subject without (counted under Table 3).",
        merge={"excited": "happy"} if merge_excited else None,
    ),
)
table1 = pd.DataFrame(papers.spec("andova_lustrek")["table1"]).T
both = pd.concat({"ours": al.counts(corpora), "paper (Table 1)": table1}, axis=1)
both.map(lambda v: "–" if pd.isna(v) else int(v))

# %% [markdown]
# ## The methods
#
# **Normalisation 1** (neutral speech). For each corpus $d$ and feature $f$,
# with $N_d$ its neutral training speech and $A_d$ all its training speech,
# $\tilde x_f = (x_f - \operatorname{mean}_{N_d} x_f) / \operatorname{std}_{A_d} x_f$:
# each corpus's neutral speech moves to the origin.
#
# **Normalisation 2** (feature distribution). For each feature, the range of
# the target's training values is cut into five bins of equal width and every
# target value becomes its bin's index, 0 to 4. For each emotion, the share
# of the target's training speech in each bin, $x_0, \dots, x_4$, is counted;
# the source's speech of that emotion is ranked by the feature, and its lowest
# $x_0$ becomes 0, the next $x_1$ becomes 1, and so on. Both corpora are then
# bin indices with the same shares per emotion. On a toy feature:

# %%
x = np.array([[0.0], [1.0], [2.0], [8.0], [10.0], [5.0], [50.0], [60.0], [70.0], [80.0]])
y = ["sad", "sad", "sad", "angry", "angry", "sad", "sad", "sad", "angry", "angry"]
domain = ["target"] * 5 + ["source"] * 5
binned = DistributionBinner(n_bins=5).fit_transform(x, y, domain=domain)
pd.DataFrame({"domain": domain, "emotion": y, "value": x[:, 0], "bin": binned[:, 0]}).T

# %% [markdown]
# The target's sad values 0, 1 and 2 fall into bins 0, 0 and 1 (two thirds in
# bin 0), so two thirds of the source's sad speech (its lowest values) get 0
# and the rest 1, whatever their raw scale.
#
# **Multi-task forest.** Each (corpus, emotion) is a class of its own, the
# target subject's speech is oversampled to the size of the source, and the
# prediction is the target emotion with the highest probability. **FCNN.**
# 1000, 500 and 300 tanh units and a softmax, trained on the source; all but
# the output layer are then frozen and the output layer is trained on the
# target subject. It is trained once per source and seed, then fine-tuned per
# subject. **DBN.** Stacked Bernoulli RBMs pre-trained on the min-max scaled
# training speech, then the sigmoid network with a softmax output fine-tuned
# end to end.
#
# ## The grid
#
# One cell of `sertl.experiments.andova_lustrek` is one (source, target, seed,
# training subject): every method is trained there and tested on the same
# speech, that of the target's other subjects. Cells run through
# `sertl.grid` (in parallel, and stored so that a run resumes).

# %%
settings = al.Settings.from_params(ctx.params, device=ctx.device)
targets = [t for _, t in run_pairs]
subjects = al.target_subjects(corpora, targets, max_subjects=max_subjects, seed=seed)
scores = al.run(
    corpora,
    pairs=run_pairs,
    seeds=seeds,
    subjects=subjects,
    settings=settings,
    grid=GridOptions(fingerprint=ctx.fingerprint(feature_set, merge_excited), scheduler=scheduler),
)
scores_path = ctx.save(scores, "scores")

# %% tags=["hide-input"]
published = papers.published("andova_lustrek")
summary = al.summary(scores, published)
verdicts = al.verdicts(
    scores,
    published,
    data=origin,
    available=list(corpora),
    margin=equivalence_margin,
)
verdict_table = verdict.table(verdicts)
ctx.save(summary, "summary")
ctx.save(verdict_table, "verdicts")
n_units = ", ".join(f"{len(v)} for {t}" for t, v in subjects.items())
verdict.say(f"Target subjects (the independent unit): {n_units}; seeds per subject: {len(seeds)}.")

# %% [markdown]
# ## Table 2: the three scenarios
#
# Accuracy (%) with its 95 % Student-t interval over target subjects, beside
# the paper's value, and the verdict with the margin above (on real data
# only). Chance is 25 % UAR (four emotions); the majority classifier's
# accuracy is the share of its emotion.

# %% tags=["hide-input"]
al.table_view(summary, verdict_table, "Table 2")

# %% [markdown]
# ## Table 3: the transfer methods (scenario 3)
#
# As in the paper, each method is compared with the scenario-2 forest (the
# target subject alone): the difference in points, and a paired t-test over
# target subjects, Bonferroni-adjusted over the methods of a pair. The
# variants are not the paper's and have no published value.

# %% tags=["hide-input"]
al.table_view(summary, verdict_table, "Table 3")

# %% tags=["hide-input"]
verdict.say(
    al.power_note(summary),
    sertl.corpora.coverage.skipped(
        scores,
        value="accuracy",
        unit=("target", "subject"),
        why={"normalisation 1": "no neutral speech from the training subject"},
    ),
)

# %% [markdown]
# Every method beside the paper's value, one panel per pair:

# %% tags=["hide-input"]
fig = al.plot_methods(summary)
plt.show()

# %% [markdown]
# ## Figure 1, extended: what the normalisations do to a feature
#
# The paper's Figure 1 shows how differently a loudness feature of neutral
# speech is distributed in two corpora. Here the same feature in the first
# pair's source and its first target subject with neutral speech, raw and after
# each normalisation (fitted on the whole source and that subject).

# %% tags=["hide-input"]
chosen = al.figure_subject(corpora, run_pairs, subjects)
if chosen is None:
    verdict.say("No pair has neutral speech in its source and a target subject: no figure.")
else:
    source, target, subject = chosen
    names = al.feature_names(feature_set)
    feature = "pcm_loudness_sma_amean" if "pcm_loudness_sma_amean" in names else names[0]
    fig = al.plot_feature_views(
        corpora,
        source=source,
        target=target,
        subject=subject,
        column=names.index(feature),
        feature=feature,
        n_bins=n_bins,
    )
    plt.show()

# %% [markdown]
# ## The paper's comparisons
#
# The paper's claims are effects: each method against another on the same
# pair. Each row is our difference, paired over target subjects (Student-t
# interval, not adjusted: each comparison is the paper's own), beside the
# paper's difference computed from its tables, with the same three-way verdict.
# A method that is not above chance (25 % UAR) over the subjects is
# *degenerate* and is not compared.

# %% tags=["hide-input"]
effect_table = effects.andova_lustrek(scores, data=origin, margin=equivalence_margin)
ctx.save(effect_table, "effects")
effect_table[
    ["comparison", "setting", "paper_difference", "difference", "low", "high", "n_units", "verdict"]
].round(1).set_index(["setting", "comparison"])

# %% [markdown]
# ## Do the paper's findings hold here?
#
# Each conclusion the paper states, judged from the rows above it rests on:
# *replicated* when every row supports it, *partly* when some do, *not
# replicated* when none does and some contradict it, *inconclusive* when no
# row can tell.

# %% tags=["hide-input"]
finding_table = effects.findings("andova_lustrek", effect_table, margin=equivalence_margin)
ctx.save(finding_table, "findings")
finding_table.set_index("finding")

# %% [markdown]
# ## Summary
#
# Computed from the tables above:

# %% tags=["hide-input"]
verdict.say(
    "\n".join(
        f"- {s}"
        for s in [
            verdict.tally(verdict_table),
            al.overall(scores, published),
            *[f"{r.finding}: **{r.verdict}**." for r in finding_table.itertuples()],
            al.power_note(summary),
        ]
        if s
    )
)

# %% [markdown]
# ## Exercises
#
# 1. Why is the majority classifier's accuracy on SAVEE 40 %, and what is its
#    UAR? Which of the paper's scenario-1 results fall *below* the majority
#    baseline, and what does that say about accuracy as a metric here?
# 2. Normalisation 2 with bins per emotion replaces every emotion's values by
#    0-4 over that emotion's own range. What happens to a feature that
#    separates angry from sad speech (say, loudness)? Run it yourself with
#    `DistributionBinner(edges="emotion")` and explain why it lands near
#    chance.
# 3. Normalisation 1 needs neutral speech from every corpus. Rewrite it so
#    that the target's statistics come from *unlabelled* test speech. Which
#    assumption does that make about the test set?
#
# ```{admonition} Solutions
# :class: dropdown
# 1. SAVEE holds 120 neutral utterances of the 300 in the four emotions:
#    always answering *neutral* is right 40 % of the time, and its UAR is 25 %
#    (one class of four fully recalled). The paper's scenario-1 accuracies for
#    EmoDB → SAVEE (29 %), IEMOCAP → SAVEE (27 %) and SAVEE → IEMOCAP (33 %)
#    are below the majority's; a classifier can be below the majority by
#    accuracy and still above chance by UAR.
# 2. Loud angry speech and quiet sad speech both spread over bins 0-4: the
#    feature no longer tells the two apart, in the source and in the target
#    training speech, while the test speech, binned over the pooled range,
#    still carries the difference the forest never saw. Shared bins keep it.
# 3. Standardise the target with the mean and deviation of all its test
#    speech (`NeutralNormalizer` with every test row labelled `"neutral"`).
#    This assumes the test speech's emotion mix resembles the training mix; a
#    test set of mostly angry speech would be shifted towards neutral.
# ```

# %% tags=["remove-input"]
ctx.finish()
