import matplotlib

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
    assert (
        "Of the 4 published cells computed here on the papers' own corpora, 4 lie within"
        in sentences
    )


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


def test_stand_in_rows_are_not_counted_as_reachable(tmp_path):
    pub = papers.published("lian").iloc[0]
    rows = [verdict.compare(pub, [20.0], ["kl"], unit="test speaker", stand_in="savee")]
    assert rows[0].status == "undetermined (n < 3)"
    folder = tmp_path / "03_lian"
    folder.mkdir()
    verdict.table(rows).to_csv(folder / "verdicts.csv", index=False)
    sentences = " ".join(scoreboard.summary(scoreboard.collect(tmp_path)))
    assert "computed here on the papers' own corpora" not in sentences
