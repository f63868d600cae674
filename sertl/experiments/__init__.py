"""The papers' experiment grids: one module per paper, cells run through :mod:`sertl.grid`.

Import the module you need (``from sertl.experiments import andova_lustrek``); only the
shared contract (:mod:`sertl.experiments._base`: :class:`Prepared`, :class:`Settings`,
:class:`GridOptions`, :func:`unit_scores`) is imported here, so that one paper's
dependencies never load with another's.
"""

from ._base import GridOptions, Prepared, Settings, unit_scores

__all__ = ["GridOptions", "Prepared", "Settings", "unit_scores"]
