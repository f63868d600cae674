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
# Every number in the results tables of the four papers, beside the value this
# book computes for it: the reproduced value with its 95 % interval over the
# protocol's independent units (target subjects, folds or support draws, as
# each row says), the data it was computed on, and the verdict. The verdicts
# and their sentences are computed by `sertl.verdict` in each chapter; this
# page reads the chapters' `verdicts.csv` and `claims.csv` and computes
# nothing new.
#
# How to read a verdict:
#
# - **reproduced**: computed on the paper's own corpora, and the paper's value
#   lies inside our interval; **not reproduced**: it lies outside.
# - **consistent / differs (stand-in)**: computed with another corpus in
#   place of one the paper used (the row names it), so it is a comparison,
#   not a reproduction.
# - **undetermined (n < 3)**: fewer than three independent units, no interval.
# - **synthetic data**: the run had no real corpus; the number shows that the
#   pipeline runs, never a reproduction.
# - **not run**: the cell needs a corpus that is not configured (the reason
#   says which).

# %% tags=["parameters"]
profile = "default"
data = "auto"  # unused: the scoreboard reads what the other chapters computed
results_root = "results"
paper_runs_root = "paper-runs"  # verdicts of chapters executed under the `paper` profile
seed = 0

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

import sertl
from sertl import scoreboard
from sertl.experiments import yue

ctx = sertl.chapter.setup(globals(), chapter="06_scoreboard")
board = scoreboard.collect(results_root, run=profile)
paper_board = scoreboard.collect(paper_runs_root, run="paper")
paper_board = paper_board[paper_board["status"] != "not run"]
kinds = sorted(set(board["data"]) - {""})

# %% [markdown]
# ## At a glance
#
# Each dot is one published cell: the paper's value across, ours up, with our
# interval as a bar. On the dashed diagonal the two agree.

# %% tags=["remove-input"]
scoreboard.figure(board)
plt.show()
display(Markdown("\n\n".join(scoreboard.summary(board))))
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
if paper_board.empty and paper_claims.empty:
    display(
        Markdown(
            "No chapter has been executed under the `paper` profile yet; "
            "`book/paper-runs/README.md` says how to make such a run."
        )
    )
if not paper_board.empty:
    display(Markdown("\n\n".join(scoreboard.summary(paper_board))))
    for paper, title in scoreboard.TITLES.items():
        if (paper_board["paper"] == paper).any():
            display(Markdown(f"### {title} (`paper` profile)"))
            display(scoreboard.compact(paper_board, paper).style.hide(axis="index"))
if not paper_claims.empty:
    display(Markdown(f"### Yue et al. (`paper` profile)\n\n{yue.tally(paper_claims)}"))
    display(Markdown("\n".join(f"- {s}" for s in paper_claims["sentence"])))

# %% tags=["remove-cell"]
ctx.save(board, "scoreboard")
if not paper_board.empty:
    ctx.save(paper_board, "scoreboard_paper")

# %% [markdown]
# ## Summary
#
# Computed from the verdict tables above:

# %% tags=["remove-input"]
summary = scoreboard.summary(board)
if not claims.empty:
    summary.append(f"**Yue et al.** (claims): {yue.tally(claims)}")
at_scale = scoreboard.summary(paper_board) if not paper_board.empty else []
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
# ```

# %% tags=["remove-input"]
ctx.finish()
