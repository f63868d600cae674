"""The ``sertl`` command: book runs and corpus downloads."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``sertl book ...`` and ``sertl download ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "book":
        from .book import main as book_main

        return book_main(argv[1:])
    if argv and argv[0] == "download":
        from .corpora.download import main as download_main

        return download_main(argv[1:])
    print("usage: sertl {book,download} ...", file=sys.stderr)
    return 2
