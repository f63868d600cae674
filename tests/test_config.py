import pytest

from sertl import cli, config


def test_data_root_and_corpus_root(tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_DATA", str(tmp_path / "missing"))
    with pytest.warns(UserWarning, match="missing.*synthetic"):
        assert config.data_root() is None
    (tmp_path / "ravdess").mkdir()
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert config.data_root() == tmp_path.resolve()
    assert config.corpus_root("ravdess") == tmp_path.resolve() / "ravdess"
    assert config.corpus_root("emodb") is None
    monkeypatch.setenv("SERTL_DATA", "  ")
    assert config.data_root() is None


def test_cache_dir_and_jobs(tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    path = config.cache_dir("features", "IS09")
    assert path == tmp_path / "cache" / "features" / "IS09" and path.is_dir()
    monkeypatch.setenv("SERTL_JOBS", "3")
    assert config.n_jobs() == 3 and config.n_jobs(5) == 5
    monkeypatch.setenv("SERTL_JOBS", "zero")
    assert config.n_jobs(0) >= 1


def test_cli_dispatches_and_explains_its_usage(capsys):
    assert cli.main([]) == 2
    assert "usage: sertl {book,download}" in capsys.readouterr().err
    assert cli.main(["book", "list"]) == 0
    assert "05_andova_lustrek" in capsys.readouterr().out


def test_a_relative_data_root_is_pinned_before_kernels_start_elsewhere(tmp_path, monkeypatch):
    (tmp_path / "corpora" / "emodb").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SERTL_DATA", "corpora")
    config.pin_data_root()
    monkeypatch.chdir("/")
    assert config.corpus_root("emodb") == tmp_path.resolve() / "corpora" / "emodb"
