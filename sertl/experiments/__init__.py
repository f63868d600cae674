"""The papers' experiment grids: one module per paper, cells run through :mod:`sertl.grid`.

Import the module you need (``from sertl.experiments import andova_lustrek``); nothing is
imported here, so that one paper's dependencies never load with another's.
"""
