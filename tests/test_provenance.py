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
