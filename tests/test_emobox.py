"""EmoBox lists: download against a local server (a synthetic fixture), local copies, matching."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pandas as pd
import pytest

from sertl import emobox

# synthetic lists in EmoBox's format (not EmoBox's data)
FIXTURE = {
    "ravdess": [
        {"wav_filename": "Actor_01/03-01-05-01-01-01-01.wav", "label": "angry", "speaker": "01"},
        {"wav_filename": "Actor_02/03-01-01-01-01-01-02.wav", "label": "neutral", "speaker": "02"},
    ],
    "savee": [
        {"wav_filename": "DC/a01.wav", "label": "angry", "speaker": "DC"},
        {"wav_filename": "JK/sa02.wav", "label": "sad", "speaker": "JK"},
    ],
}


def _text(corpus: str) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in FIXTURE[corpus]).encode()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A local http server with the fixture at EmoBox's raw path, and FILES pinned to it."""
    root = tmp_path / "www"
    files = {}
    for corpus, (name, _) in emobox.FILES.items():
        folder = root / emobox.REPOSITORY / emobox.COMMIT / emobox.FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(_text(corpus))
        files[corpus] = (name, hashlib.sha256(_text(corpus)).hexdigest())
    monkeypatch.setattr(emobox, "FILES", files)
    monkeypatch.delenv(emobox.ENV, raising=False)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_pinned_checksums_are_sha256():
    for name, sha in emobox.FILES.values():
        assert name.endswith(".jsonl")
        assert len(sha) == 64 and int(sha, 16) >= 0


def test_url_is_pinned_to_the_commit():
    assert emobox.url("savee") == (
        f"https://raw.githubusercontent.com/emo-box/EmoBox/{emobox.COMMIT}/data/track2/"
        "SAVEE_selected_balenced.jsonl"
    )


def test_download_verifies_and_caches(served, tmp_path):
    base, _ = served
    cache = tmp_path / "cache"
    lists = emobox.obtain(base=base, cache=cache)
    assert lists.complete, lists.missing
    assert list(lists.tables["savee"]["key"]) == ["DC/a01", "JK/sa02"]
    assert "GitHub" in lists.origin
    assert sorted(p.name for p in cache.iterdir()) == sorted(n for n, _ in emobox.FILES.values())
    # a second call reads the cache without any server
    again = emobox.obtain(base="http://127.0.0.1:9", cache=cache, download=False)
    assert again.complete and "cache" in again.origin


def test_checksum_mismatch_leaves_nothing_behind(served, tmp_path, monkeypatch):
    base, _ = served
    wrong = {k: (n, "0" * 64) for k, (n, _) in emobox.FILES.items()}
    monkeypatch.setattr(emobox, "FILES", wrong)
    cache = tmp_path / "cache"
    lists = emobox.obtain(base=base, cache=cache)
    assert not lists.tables and set(lists.missing) == set(wrong)
    assert "does not match" in lists.missing["savee"]
    assert list(cache.iterdir()) == []  # neither the file nor a .part
    assert "not available" in lists.sentence()


def test_local_copy_from_the_environment(served, tmp_path, monkeypatch):
    _, root = served
    clone = root / emobox.REPOSITORY / emobox.COMMIT  # a clone's layout: data/track2/...
    monkeypatch.setenv(emobox.ENV, str(clone))
    lists = emobox.obtain(download=False, cache=tmp_path / "cache")
    assert lists.complete and str(clone) in lists.origin
    # a flat folder with the two files works too
    flat = tmp_path / "flat"
    flat.mkdir()
    for corpus, (name, _) in emobox.FILES.items():
        (flat / name).write_bytes(_text(corpus))
    assert emobox.obtain(flat, download=False, cache=tmp_path / "c2").complete


def test_local_copy_with_other_content_is_refused(served, tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for corpus, (name, _) in emobox.FILES.items():
        (flat / name).write_bytes(_text(corpus) + b"\n{}")
    with pytest.raises(emobox.EmoBoxError, match="SHA-256"):
        emobox.obtain(flat, download=False, cache=tmp_path / "c")


def test_nothing_there_says_why(tmp_path, monkeypatch):
    monkeypatch.delenv(emobox.ENV, raising=False)
    lists = emobox.obtain(download=False, cache=tmp_path / "empty")
    assert not lists.complete
    assert emobox.ENV in lists.missing["ravdess"]


def test_bad_line_is_named(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"wav_filename": "a/b.wav", "label": "sad"}\nnot json\n')
    with pytest.raises(emobox.EmoBoxError, match=":2:"):
        emobox.read_list(path)


def _savee_table(files: list[str], emotions: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"file": files, "emotion": emotions, "speaker": [Path(f).parent.name for f in files]}
    )


def test_match_maps_onto_our_file_names(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(_text("savee"))
    lst = emobox.read_list(path)
    table = _savee_table(
        ["/c/savee/AudioData/JK/sa02.flac", "/c/savee/AudioData/DC/a01.flac", "/c/DC/n01.flac"],
        ["sad", "angry", "neutral"],
    )
    out = emobox.match(lst, table)
    assert list(out["file"]) == [
        "/c/savee/AudioData/DC/a01.flac",
        "/c/savee/AudioData/JK/sa02.flac",
    ]
    with pytest.raises(emobox.EmoBoxError, match="not in the corpus"):
        emobox.match(lst, table.iloc[:1])
    table.loc[0, "emotion"] = "happy"
    with pytest.raises(emobox.EmoBoxError, match="labels differ"):
        emobox.match(lst, table)


def test_stand_in_is_balanced():
    table = pd.DataFrame({"file": [f"{i}" for i in range(30)], "emotion": ["sad", "angry"] * 15})
    out = emobox.stand_in(table, ["sad", "angry"], per_emotion=5)
    assert out["emotion"].value_counts().to_dict() == {"angry": 5, "sad": 5}
