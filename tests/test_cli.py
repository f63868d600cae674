"""The ``sertl`` command dispatches to the book runner and the downloader."""

from __future__ import annotations

from sertl import cli


def test_book_errors_are_one_line_and_exit_2(capfd):
    assert cli.main(["book", "run", "--chapter", "99_nope"]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "unknown chapter '99_nope'; known:" in err


def test_book_list_names_chapters_and_profiles(capfd):
    assert cli.main(["book", "list"]) == 0
    out = capfd.readouterr().out
    assert "01_data_overview" in out and "ci" in out.split("profiles:")[1]


def test_unknown_command_is_a_usage_error(capfd):
    assert cli.main(["nope"]) == 2
    assert "usage: sertl" in capfd.readouterr().err
