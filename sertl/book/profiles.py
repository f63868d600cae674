"""Chapters, parameter profiles and the checking of a run's parameters.

This module is all a chapter's kernel imports of the runner
(:func:`sertl.chapter.profile_values` reads a profile through it), so it stays
light: no papermill, no nbformat, no jupyter-book.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from .. import config

PROJECT = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS = PROJECT / "notebooks"
PROFILES = PROJECT / "profiles"
#: Parameter names whose value must be an integer: a run without one cannot be repeated.
SEED_NAMES = ("seed",)
DATA_KINDS = ("auto", "real", "synthetic")


class UsageError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


def chapters() -> list[str]:
    """The chapter sources, by name (``notebooks/<name>.py``), in book order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9]*.py"))


def run_order(names: list[str]) -> list[str]:
    """``names`` in execution order: the scoreboard, which reads the others' results, last."""
    return sorted(names, key=lambda n: ("scoreboard" in n, n))


def profile_names() -> list[str]:
    """The parameter profiles (``profiles/<name>.yaml``)."""
    return sorted(p.stem for p in PROFILES.glob("*.yaml"))


def profile_spec(profile: str, _seen: tuple[str, ...] = ()) -> dict:
    """The profile file as a dictionary, with ``_inherit: <profile>`` resolved.

    A profile that inherits another starts from it and overrides, per chapter,
    only the keys it names.

    Raises:
        UsageError: No such profile, or an inheritance cycle.
    """
    path = PROFILES / f"{profile}.yaml"
    if not path.is_file():
        raise UsageError(f"unknown profile {profile!r}; known: {', '.join(profile_names())}")
    if profile in _seen:
        raise UsageError(f"profile {profile!r} inherits itself ({' -> '.join(_seen)})")
    spec = yaml.safe_load(path.read_text()) or {}
    parent = spec.pop("_inherit", None)
    if parent is None:
        return spec
    merged = profile_spec(str(parent), (*_seen, profile))
    for key, values in spec.items():
        merged[key] = {**(merged.get(key) or {}), **(values or {})}
    return merged


def profile_parameters(profile: str, chapter: str) -> dict:
    """The parameters of ``chapter`` under ``profile`` (``_all`` merged under it).

    Raises:
        UsageError: No such profile.
    """
    spec = profile_spec(profile)
    params = dict(spec.get("_all", {}) or {})
    params.update(spec.get(chapter, {}) or {})
    params["profile"] = profile
    return params


def check_chapter(chapter: str) -> Path:
    """The chapter's source file.

    Raises:
        UsageError: No such chapter.
    """
    source = NOTEBOOKS / f"{chapter}.py"
    if not source.is_file():
        raise UsageError(f"unknown chapter {chapter!r}; known: {', '.join(chapters())}")
    return source


def declared_parameters(chapter: str) -> dict:
    """The parameters the chapter's ``parameters`` cell declares, with their defaults.

    A default that is not a literal is given as ``None`` (any value accepted).

    Raises:
        UsageError: No such chapter.
        ValueError: The source has no cell tagged ``parameters``.
    """
    source = check_chapter(chapter)
    text = source.read_text()
    marker = '# %% tags=["parameters"]'
    if marker not in text:
        raise ValueError(f"{source}: no cell tagged parameters")
    cell = text.split(marker, 1)[1].split("\n# %%", 1)[0]
    declared = {}
    for node in ast.parse(cell).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    declared[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    declared[target.id] = None
    return declared


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _fits(value: object, default: object) -> bool:
    """Whether ``value`` has the type of the declared ``default`` (``None``: anything)."""
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            return False
        # a homogeneous default (seeds, pairs, layer sizes) types every element
        if default and all(_fits(d, default[0]) and _fits(default[0], d) for d in default):
            return all(_fits(v, default[0]) for v in value)
        return True
    if isinstance(default, dict):
        return isinstance(value, dict)
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_parameters(chapter: str, params: dict) -> None:
    """Refuse, before anything runs, parameters the chapter would not use as given.

    Every name must be declared by the chapter's ``parameters`` cell; every value
    must have the type of the declared default (an integer where the default is
    one); seeds must be integers (a run without a seed is not repeatable); ``data``
    must be a known kind.

    Raises:
        UsageError: One line naming the parameter and what the chapter declares.
    """
    declared = declared_parameters(chapter)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UsageError(
            f"{chapter} has no parameter {', '.join(unknown)}; "
            f"it declares: {', '.join(sorted(declared))}"
        )
    for name, value in params.items():
        default = declared[name]
        if name in SEED_NAMES and not _is_int(value):
            raise UsageError(
                f"{chapter}: {name}={value!r} is not an integer; "
                "a run without a fixed seed gives other numbers every time"
            )
        if name == "seeds" and (
            not isinstance(value, list) or not value or not all(_is_int(v) for v in value)
        ):
            raise UsageError(
                f"{chapter}: seeds={value!r} is not a list of integers; "
                "a run without fixed seeds gives other numbers every time"
            )
        if name == "data" and value not in DATA_KINDS:
            raise UsageError(f"{chapter}: data={value!r}; choose one of {', '.join(DATA_KINDS)}")
        if not _fits(value, default):
            raise UsageError(
                f"{chapter}: {name}={value!r} is {_kind(value)}, "
                f"but the chapter declares {name} = {default!r} ({_kind(default)})"
            )


def parse_overrides(items: list[str]) -> dict:
    """``NAME=VALUE`` items (YAML values) as a dictionary.

    Raises:
        UsageError: An item without ``=``, without a value (write ``null`` for
            None), with a bad name, or a value that is not YAML.
    """
    overrides = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not text.strip():
            raise UsageError(
                f"-p {item}: give a value, as in -p {name or 'NAME'}=VALUE (null for None)"
            )
        if not name.isidentifier():
            raise UsageError(f"-p {item}: {name!r} is not a parameter name")
        try:
            overrides[name] = yaml.safe_load(text)
        except yaml.YAMLError as error:
            reason = str(error).splitlines()[0]
            raise UsageError(f"-p {item}: not a YAML value ({reason})") from None
    return overrides


def data_kind(data: str) -> str:
    """``"real"`` or ``"synthetic"``: the data a run with ``data`` uses.

    ``"auto"`` is real when a data folder (``SERTL_DATA``) holding any corpus is
    configured, else synthetic.
    """
    if data in ("real", "synthetic"):
        return data
    configured = [n for n in config.CORPUS_FOLDERS if config.corpus_root(n) is not None]
    return "real" if configured else "synthetic"
