import matplotlib
import pandas as pd

matplotlib.use("Agg")

from sertl import papers, scoreboard, verdict


def _write_verdicts(root, data="real"):
    rows = []
    for _, pub in papers.published("andova_lustrek", "Table 2").iterrows():
        if pub["source"] == "emodb" and pub["target"] == "savee":
            base = pub["value"]
            rows.append(
                verdict.compare(
                    pub,
                    [base - 1, base, base + 1, base + 0.5],
                    list("abcd"),
                    unit="subject",
                    data=data,
                )
            )
        else:
            rows.append(verdict.not_run(pub, "IEMOCAP not configured"))
    folder = root / "05_andova_lustrek"
    folder.mkdir(parents=True)
    verdict.table(rows).to_csv(folder / "verdicts.csv", index=False)


def test_collect_reads_verdicts_and_lists_unexecuted_chapters(tmp_path):
    _write_verdicts(tmp_path)
    board = scoreboard.collect(tmp_path)
    al = board[board["paper"] == "andova_lustrek"]
    assert (al["status"] == "reproduced").sum() == 4
    feng = board[board["paper"] == "feng_chaspari"]
    assert len(feng) == len(papers.published("feng_chaspari"))
    assert set(feng["reason"]) == {"chapter not executed"}
    sentences = " ".join(scoreboard.summary(board))
    # the majority cell holds by construction and is counted apart
    assert "cells (14 distinct, 2 more by construction): 11 not run, 3 reproduced" in sentences
    assert "within ± 5 points" in sentences


def test_repeated_and_constructed_cells_are_marked(tmp_path):
    board = scoreboard.collect(tmp_path)
    al = board[(board["paper"] == "andova_lustrek") & (board["method"] == "scenario 2")]
    # scenario 2 never sees the source: one value per target, printed under three sources
    assert (al["duplicate_of"] == "").sum() == al["target"].nunique()
    maj = board[board["method"] == "majority"]
    assert maj["by_construction"].str.contains("commonest emotion").all()
    table = scoreboard.compact(board, "andova_lustrek")
    # majority and scenario 2: 6 rows each, 2 targets each
    assert table["verdict"].str.contains("counted once").sum() == 2 * (6 - 2)


def test_effects_and_findings_are_read_and_counted(tmp_path):
    import numpy as np

    _write_verdicts(tmp_path)
    rng = np.random.default_rng(0)
    b = rng.normal(50, 3, 8)
    test = verdict.paired(b + 9 + rng.normal(0, 0.5, 8), b, units=range(8), names=("n2", "s2"))
    row = verdict.effect(
        test, paper="andova_lustrek", table="Table 3", setting="x", paper_difference=9.0
    )
    folder = tmp_path / "05_andova_lustrek"
    verdict.effects_table([row]).to_csv(folder / "effects.csv", index=False)
    found = verdict.finding("andova_lustrek", "n2 helps", verdict.effects_table([row]))
    pd.DataFrame([found]).to_csv(folder / "findings.csv", index=False)
    eff, fin = scoreboard.effects(tmp_path), scoreboard.findings(tmp_path)
    assert list(eff["verdict"]) == ["reproduced"] and list(fin["verdict"]) == ["replicated"]
    text = " ".join(scoreboard.summary(scoreboard.collect(tmp_path), eff, fin))
    assert "findings: 1 replicated; effects: 1 reproduced" in text


def test_synthetic_rows_are_never_reproduced(tmp_path):
    _write_verdicts(tmp_path, data="synthetic")
    board = scoreboard.collect(tmp_path)
    assert not (board["status"] == "reproduced").any()
    assert "never a reproduction" in " ".join(scoreboard.summary(board))


def test_compact_is_rounded_and_figure_draws(tmp_path):
    _write_verdicts(tmp_path)
    board = scoreboard.collect(tmp_path)
    table = scoreboard.compact(board, "andova_lustrek")
    assert list(table.columns) == [
        "table",
        "method",
        "pair",
        "paper",
        "ours [95 % CI]",
        "unit",
        "data",
        "verdict",
    ]
    ours = table.loc[table["verdict"] == "reproduced", "ours [95 % CI]"].iloc[0]
    assert ours.count(".") == 3  # one decimal each: mean, low, high
    fig = scoreboard.figure(board)
    assert len(fig.axes) >= 1


def test_an_empty_results_folder_lists_every_cell_as_not_run(tmp_path):
    board = scoreboard.collect(tmp_path)
    assert (board["status"] == "not run").all()
    assert len(board) == len(papers.published())
    assert scoreboard.compact(board, "lian")["verdict"].str.contains("not executed").all()
    scoreboard.figure(board)


def test_stand_in_rows_are_counted_as_stand_in(tmp_path):
    pub = papers.published("lian").iloc[0]
    rows = [verdict.compare(pub, [20.0], ["kl"], unit="test speaker", stand_in="savee")]
    assert rows[0].status == "undetermined (n < 3)"
    folder = tmp_path / "03_lian"
    folder.mkdir()
    verdict.table(rows).to_csv(folder / "verdicts.csv", index=False)
    sentences = " ".join(scoreboard.summary(scoreboard.collect(tmp_path)))
    assert "reproduced" not in sentences.split("Lian et al.")[1].split(".")[0]


def test_compact_views_of_empty_selections():
    empty = scoreboard.collect("/nonexistent").iloc[0:0]
    assert scoreboard.compact(empty, "lian").empty
    assert scoreboard.compact_effects(scoreboard.effects("/nonexistent")).empty


def test_a_paper_without_published_cells_is_summarised_by_its_findings():
    board = scoreboard.collect("/nonexistent")
    board = board[board["paper"] != "yue"]
    found = pd.DataFrame(
        [{"paper": "yue", "finding": "x", "verdict": "inconclusive", "evidence": "e"}]
    )
    text = " ".join(scoreboard.summary(board, None, found))
    assert "**Yue et al.**: findings: 1 inconclusive" in text
