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
# # Reproduction scoreboard
#
# What this book finds of the four papers, in three layers, each computed by
# `sertl.verdict` and `sertl.effects` in the paper's own chapter; this page
# reads the chapters' `findings.csv`, `effects.csv`, `verdicts.csv` and
# `claims.csv` and computes no new number.
#
# 1. **Findings**: each conclusion a paper states, judged from the comparisons
#    it rests on: *replicated* (every comparison supports it), *partly
#    replicated*, *inconclusive* (no comparison can tell), *not replicated*
#    (none supports it and some contradict it), or *cannot be tested here*
#    (and why).
# 2. **Effects**: each comparison a paper draws (one method minus another),
#    our difference paired over the protocol's independent units beside the
#    paper's difference.
# 3. **Published cells**: every number of the papers' results tables, beside
#    ours with its 95 % Student-t interval over the independent units (target
#    subjects, folds, support draws or speakers, as each row says).
#
# How to read a verdict on a number (a cell or an effect), with a declared
# margin of equivalence $\delta$ (`equivalence_margin`, 5 points unless a row says
# otherwise):
#
# - **reproduced**: on the paper's own corpora, and our whole interval lies
#   within the paper's value $\pm\,\delta$;
# - **not reproduced**: our interval excludes the paper's value;
# - **inconclusive**: neither; the interval is too wide to tell;
# - **same / opposite direction**: the paper states a direction without a
#   number, and our interval lies above / below 0;
# - **consistent / differs (stand-in)**: computed with another corpus in
#   place of one the paper used (the row names it), so it is a comparison,
#   not a reproduction;
# - **degenerate (at chance)**: a model that is not above chance, or predicts
#   one class for 90 % of its test items; it is never compared;
# - **undetermined (n < 3)**: fewer than three independent units, no interval;
# - **synthetic data**: the run had no real corpus; the number shows that the
#   pipeline runs, never a reproduction;
# - **not run**: the cell needs a corpus that is not configured (the reason
#   says which).
#
# A published value that repeats another (a method that never sees the source,
# printed under every source) is counted once, and a cell that holds by
# construction (the majority classifier) is counted apart.

# %% tags=["parameters"]
profile = "default"
data = "auto"  # unused: the scoreboard reads what the other chapters computed
results_root = "results"
paper_runs_root = "paper-runs"  # verdicts of chapters executed under the `paper` profile
seed = 0

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import sertl
from sertl import scoreboard
from sertl.experiments import yue

ctx = sertl.chapter.setup(globals(), chapter="06_scoreboard")
board = scoreboard.collect(results_root, run=profile)
paper_board = scoreboard.collect(paper_runs_root, run="paper")
paper_board = paper_board[paper_board["status"] != "not run"]
effect_rows = scoreboard.effects(results_root)
finding_rows = scoreboard.findings(results_root)
kinds = sorted(set(board["data"]) - {""})

# %% [markdown]
# ## The papers' findings
#
# Each row is a conclusion the paper states, paraphrased; the evidence names
# the comparisons (below) it rests on, with our difference and interval.

# %% tags=["remove-input"]
if finding_rows.empty:
    display(Markdown("No findings table was found (the paper chapters were not executed)."))
for paper, title in scoreboard.TITLES.items():
    rows = finding_rows[finding_rows["paper"] == paper]
    if len(rows):
        display(Markdown(f"### {title}"))
        with pd.option_context("display.max_colwidth", None):
            display(rows[["finding", "verdict", "evidence"]].style.hide(axis="index"))

# %% [markdown]
# ## The papers' comparisons
#
# Our difference (paired over the units named, 95 % Student-t interval)
# beside the paper's difference; a blank paper difference means the paper
# states only a direction.

# %% tags=["remove-input"]
for paper, title in scoreboard.TITLES.items():
    rows = effect_rows[effect_rows["paper"] == paper]
    if len(rows):
        display(Markdown(f"### {title}"))
        display(scoreboard.compact_effects(rows).style.hide(axis="index"))

# %% [markdown]
# ## The published numbers at a glance
#
# Each dot is one published cell: the paper's value across, ours up, with our
# interval as a bar. On the dashed diagonal the two agree.

# %% tags=["remove-input"]
scoreboard.figure(board)
plt.show()
display(Markdown("\n\n".join(scoreboard.summary(board, effect_rows, finding_rows))))
display(Markdown(f"Data of this run: **{', '.join(kinds) or 'none'}** (profile `{profile}`)."))

# %% [markdown]
# ## Per paper

# %% tags=["remove-input"]
for paper, title in scoreboard.TITLES.items():
    if (board["paper"] == paper).any():
        display(Markdown(f"### {title}"))
        display(scoreboard.compact(board, paper).style.hide(axis="index"))

# %% [markdown]
# ### Claims without a published number
#
# Yue et al.'s results table is an image that the text available to us lacks,
# so their chapter tests the paper's claims instead of its numbers.

# %% tags=["remove-input"]
claims = scoreboard.claims(results_root)
if claims.empty:
    display(Markdown("No claims table was found (chapter 04 not executed)."))
else:
    display(Markdown("\n".join(f"- {s}" for s in claims["sentence"])))

# %% [markdown]
# ## Runs at the papers' scale
#
# Chapters executed under the `paper` profile keep their tables in
# `book/paper-runs/<chapter>/` (see its README for device and wall time).

# %% tags=["remove-input"]
paper_claims = scoreboard.claims(paper_runs_root)
paper_effects = scoreboard.effects(paper_runs_root)
paper_findings = scoreboard.findings(paper_runs_root)
if paper_board.empty and paper_claims.empty:
    display(
        Markdown(
            "No chapter has been executed under the `paper` profile yet; "
            "`book/paper-runs/README.md` says how to make such a run."
        )
    )
if not paper_board.empty:
    display(Markdown("\n\n".join(scoreboard.summary(paper_board, paper_effects, paper_findings))))
    with pd.option_context("display.max_colwidth", None):
        for paper, title in scoreboard.TITLES.items():
            rows = paper_findings[paper_findings["paper"] == paper]
            if len(rows):
                display(Markdown(f"### {title}: findings (`paper` profile)"))
                display(rows[["finding", "verdict", "evidence"]].style.hide(axis="index"))
    for paper, title in scoreboard.TITLES.items():
        if (paper_board["paper"] == paper).any():
            display(Markdown(f"### {title} (`paper` profile)"))
            display(scoreboard.compact(paper_board, paper).style.hide(axis="index"))
if not paper_claims.empty:
    display(Markdown(f"### Yue et al. (`paper` profile)\n\n{yue.tally(paper_claims)}"))
    display(Markdown("\n".join(f"- {s}" for s in paper_claims["sentence"])))

# %% tags=["remove-cell"]
ctx.save(board, "scoreboard")
ctx.save(effect_rows, "effects")
ctx.save(finding_rows, "findings")
if not paper_board.empty:
    ctx.save(paper_board, "scoreboard_paper")

# %% [markdown]
# ## Summary
#
# Computed from the verdict tables above:

# %% tags=["remove-input"]
summary = scoreboard.summary(board, effect_rows, finding_rows)
if not claims.empty:
    summary.append(f"**Yue et al.** (claims): {yue.tally(claims)}")
at_scale = (
    scoreboard.summary(paper_board, paper_effects, paper_findings) if not paper_board.empty else []
)
if not paper_claims.empty:
    at_scale.append(f"**Yue et al.** (claims): {yue.tally(paper_claims)}")
if at_scale:
    summary.append("At the papers' scale (`paper` profile): " + " ".join(at_scale))
display(Markdown("\n".join(f"- {s}" for s in summary if s)))

# %% [markdown]
# ## Exercises
#
# 1. Pick a row whose verdict is *not reproduced*. What does our interval
#    capture, and what does it not (the corpus version, the feature
#    extractor's version, choices the paper does not report)?
# 2. Configure a missing corpus (`SERTL_DATA`) and re-run its chapter and
#    this page: which rows change from *not run* to a verdict?
# 3. Why does a stand-in row never count as a reproduction, even when the
#    paper's value lies inside our interval?
# 4. A cell over four target subjects has the interval [33.5, 59.4] around a
#    published 49. Why is it *inconclusive* and not *reproduced*? How many
#    subjects would a Student-t interval need to fit within ± 5 points if the
#    subjects' standard deviation stayed at 8 points?
#
# ```{admonition} Solutions
# :class: dropdown
# 1. The interval reflects only the randomness the protocol varies here
#    (subjects, folds, support draws, seeds nested inside them). Data
#    preparation, software versions and unreported choices are outside it,
#    so a value outside the interval need not mean an error on either side.
# 2. The rows whose reason names that corpus; the chapter's protocol then
#    runs on the paper's own corpus.
# 3. It measures another transfer (another source corpus, another language),
#    so agreement can be a coincidence of two different quantities.
# 4. The interval contains 49 but reaches 15 points below and 10 above it:
#    values far from the paper's are as compatible with our data as the
#    paper's, so the data cannot tell. The half-width is
#    $t_{0.975,\,n-1} \cdot 8 / \sqrt{n}$; it drops below 5 at $n = 13$
#    ($2.18 \cdot 8 / 3.61 = 4.8$).
# ```

# %% tags=["remove-input"]
ctx.finish()
