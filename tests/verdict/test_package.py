"""The package :mod:`sertl.verdict` keeps the names of the module it replaced."""

import inspect

import pytest

from sertl import verdict
from sertl.verdict import findings, intervals, levels, paired_tests


@pytest.mark.parametrize("module", [intervals, levels, paired_tests, findings])
def test_every_public_name_of_a_module_is_a_package_name(module):
    own = [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (
            getattr(obj, "__module__", None) == module.__name__
            or (name.isupper() and not inspect.ismodule(obj))
        )
    ]
    assert own
    for name in own:
        assert name in verdict.__all__ and getattr(verdict, name) is getattr(module, name)


def test_the_package_names_callers_use():
    for name in ("MARGIN", "MIN_UNITS", "DEGENERATE_SHARE", "STATUSES", "compare", "paired"):
        assert name in verdict.__all__
    assert verdict.MARGIN == 5.0 and verdict.MIN_UNITS == 3
    assert all(hasattr(verdict, name) for name in verdict.__all__)


def test_no_module_hides_a_function_of_the_same_name():
    # ``from . import x`` would rebind ``verdict.x`` to a module named like a function
    for name in verdict.__all__:
        assert not inspect.ismodule(getattr(verdict, name)), name
    assert callable(verdict.paired) and callable(verdict.interval)
