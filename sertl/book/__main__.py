"""``python -m sertl.book``: see :mod:`sertl.book`."""

from .cli import main

raise SystemExit(main())
