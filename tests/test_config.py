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


def test_diagnose_names_the_folder_and_the_expected_names(tmp_path, monkeypatch):
    monkeypatch.delenv("SERTL_DATA", raising=False)
    assert config.diagnose("emodb") is None  # nothing configured: synthetic is expected
    (tmp_path / "ravdess").mkdir()
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert config.diagnose("ravdess") is None
    text = config.diagnose("emodb")
    assert f"SERTL_DATA={tmp_path.resolve()} holds no folder 'emodb'" in text
    assert str(tmp_path.resolve() / "emodb") in text and "ravdess, savee" in text
    assert "synthetic" in text


def test_diagnose_sees_another_case(tmp_path, monkeypatch):
    (tmp_path / "EmoDB").mkdir()
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    text = config.diagnose("emodb")
    assert "EmoDB differs only in case: rename it to" in text
    assert str(tmp_path.resolve() / "emodb") in text


def test_diagnose_sees_the_corpus_folder_itself(tmp_path, monkeypatch, tone):
    data = tmp_path / "data" / "berlin"
    tone(data / "03a01Fa.wav")
    monkeypatch.setenv("SERTL_DATA", str(data))
    text = config.diagnose("emodb")
    assert f"points at the emodb folder itself: set SERTL_DATA={data.parent.resolve()}" in text
    (tmp_path / "d2" / "emodb").mkdir(parents=True)
    monkeypatch.setenv("SERTL_DATA", str(tmp_path / "d2" / "emodb"))
    assert f"set SERTL_DATA={(tmp_path / 'd2').resolve()}." in config.diagnose("emodb")
    text = config.diagnose("ravdess")  # another corpus, same wrong setting
    assert (
        f"points at the emodb folder itself: set SERTL_DATA={(tmp_path / 'd2').resolve()}" in text
    )


def test_diagnose_sees_a_corpus_under_another_name_and_one_level_down(tmp_path, monkeypatch):
    for actor in ("Actor_01", "Actor_02"):
        (tmp_path / "RAVDESS-speech" / actor).mkdir(parents=True)
    (tmp_path / "corpora" / "savee").mkdir(parents=True)
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert "RAVDESS-speech looks like ravdess: rename it" in config.diagnose("ravdess")
    text = config.diagnose("savee")
    assert f"one level deeper ({(tmp_path / 'corpora' / 'savee').resolve()})" in text
    assert f"set SERTL_DATA={(tmp_path / 'corpora').resolve()}" in text


def test_diagnose_on_the_real_corpora():
    import os

    root = os.environ.get("SERTL_DATA")
    if not root or not os.path.isdir(os.path.join(root, "emodb")):
        pytest.skip("real corpora not configured")
    assert config.diagnose("emodb") is None
    assert "set SERTL_DATA=" in _with_data(os.path.join(root, "emodb"), "emodb")
    assert "looks like savee" not in (_with_data(root, "iemocap") or "")


def _with_data(value, name):
    import os

    old = os.environ["SERTL_DATA"]
    os.environ["SERTL_DATA"] = value
    try:
        return config.diagnose(name)
    finally:
        os.environ["SERTL_DATA"] = old
