"""Chapters, profiles and parameters: checked before anything runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sertl import book
from sertl.book import profiles as book_profiles

PROJECT = Path(__file__).resolve().parent.parent.parent


def test_wrong_types_are_refused_against_the_declared_defaults(tiny):
    book.check_parameters("01_tiny", {"seed": 1, "pause": 2, "fail": True})  # int for a float
    for params, part in [
        ({"pause": "slow"}, "pause='slow' is a string, but the chapter declares pause = 0.0"),
        ({"fail": 1}, "fail=1 is an integer, but the chapter declares fail = False"),
        ({"results_dir": ["a"]}, "is a list"),
    ]:
        with pytest.raises(book.UsageError, match=re.escape(part)):
            book.check_parameters("01_tiny", params)


def test_declared_parameters_are_the_parameters_cell():
    for chapter in book.chapters():
        declared = book.declared_parameters(chapter)
        assert set(declared) == _declared_parameters(chapter), chapter
        assert {"profile", "seed", "data"} <= set(declared), chapter


def test_every_profile_fits_every_chapter():
    for profile in book.profile_names():
        for chapter in book.chapters():
            book.check_parameters(chapter, book.profile_parameters(profile, chapter))


def test_every_profile_names_only_existing_chapters():
    for profile in book.profile_names():
        spec = book.profile_spec(profile)
        assert set(spec) - {"_all"} <= set(book.chapters()), profile
        for chapter in book.chapters():
            assert chapter in spec, f"{chapter} has no parameters in profile {profile}"


#: What the ``ci`` profile may change: how much is computed, never what (protocols, speakers);
#: and the method of a 2-d picture (``embedding_map``), which no result depends on.
COMPUTE_SIZE = re.compile(
    r"^(\w+_epochs|n_trees|repeats|seeds|pairs_per_epoch|mmd_samples|embedding_map)$"
)


def test_ci_profile_is_default_with_only_compute_size_keys_smaller():
    raw = yaml.safe_load((PROJECT / "profiles" / "ci.yaml").read_text())
    assert raw["_inherit"] == "default"
    for chapter in book.chapters():
        ci = book.profile_parameters("ci", chapter)
        declared = book.declared_parameters(chapter)  # what a profile leaves to the chapter
        default = {**declared, **book.profile_parameters("default", chapter)}
        changed = {k for k in ci if k != "profile" and ci[k] != default.get(k)}
        assert all(COMPUTE_SIZE.match(k) for k in changed), (chapter, changed)
        sizes = [k for k in changed if isinstance(ci[k], int)]
        assert all(ci[k] <= default[k] for k in sizes), chapter
        lists = [k for k in changed if isinstance(ci[k], list)]  # fewer seeds: a subset
        assert all(set(ci[k]) < set(default[k]) for k in lists), chapter


def test_profiles_inherit_and_override_per_key(tmp_path, monkeypatch):
    monkeypatch.setattr(book_profiles, "PROFILES", tmp_path)
    (tmp_path / "base.yaml").write_text("_all: {seed: 0}\nch: {a: 1, b: 2}\n")
    (tmp_path / "small.yaml").write_text("_inherit: base\nch: {b: 3}\n")
    (tmp_path / "loop.yaml").write_text("_inherit: loop\n")
    assert book.profile_parameters("small", "ch") == {"seed": 0, "a": 1, "b": 3, "profile": "small"}
    with pytest.raises(book.UsageError, match="inherits itself"):
        book.profile_spec("loop")


def _declared_parameters(chapter: str) -> set[str]:
    text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
    cell = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
    return set(re.findall(r"^([a-z_][a-z0-9_]*) = ", cell, flags=re.M))


def test_chapter_sources_are_stripped_percent_files_with_parameters():
    for chapter in book.chapters():
        text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
        assert "format_name: percent" in text
        assert '# %% tags=["parameters"]' in text
        assert "## Summary" in text and "## Exercises" in text and ":class: dropdown" in text


def test_a_kernel_reading_a_profile_imports_only_the_profiles_module():
    # chapter.profile_values runs in every chapter's kernel: papermill, nbformat and the
    # rest of the runner must stay out of it
    code = (
        "import sys; from sertl.chapter import profile_values; "
        "values = profile_values('smoke', '01_data_overview'); "
        "print(sorted(m for m in sys.modules if m.startswith('sertl.book')), "
        "'papermill' in sys.modules, 'nbformat' in sys.modules, bool(values))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "['sertl.book',",
        "'sertl.book.profiles']",
        "False",
        "False",
        "True",
    ]


def test_the_runner_names_stay_importable_from_the_package():
    for name in book.__all__:
        assert getattr(book, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        book.nope  # noqa: B018
