from sertl import corpora
from sertl.provenance import Provenance, data_banner, manifest_hash


def test_manifest_hash_changes_with_content(tmp_path, tone):
    for name in ("a", "d"):
        tone(tmp_path / "DC" / f"{name}01.wav")
    table = corpora.prepare_savee(tmp_path, with_duration=False)
    before = manifest_hash(table)
    tone(tmp_path / "DC" / "a01.wav", seconds=0.6)
    assert manifest_hash(table) != before


def test_record_names_data_profile_seed_and_device():
    table = corpora.get("savee", data="synthetic", with_duration=False)
    prov = Provenance("x", "smoke", {"k": 1}, seed=3)
    prov.add_data(table)
    rec = prov.record()
    assert rec["profile"] == "smoke" and rec["seed"] == 3 and rec["device"].startswith("CPU")
    assert rec["data"][0]["origin"] == "synthetic" and len(rec["data"][0]["manifest"]) == 16
    assert "savee" in prov.markdown() and prov.origins == {"synthetic"}
    assert "Synthetic stand-ins" in data_banner({"savee": "synthetic"})


def test_commit_is_dirty_only_for_changes_to_what_makes_the_numbers(tmp_path):
    import subprocess

    from sertl.provenance import git_commit

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    for path in ("sertl/a.py", "notebooks/01.py", "book/01.ipynb"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c")
    clean = git_commit(tmp_path)
    assert len(clean) >= 7 and not clean.endswith("+dirty")
    (tmp_path / "book/01.ipynb").write_text("executed\n")  # an executed chapter: still clean
    assert git_commit(tmp_path) == clean
    (tmp_path / "notebooks/01.py").write_text("x = 2\n")
    assert git_commit(tmp_path) == clean + "+dirty"
    assert git_commit(tmp_path / "no-repo") == "unknown"
