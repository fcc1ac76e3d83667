"""What a long run shows while it works: a progress bar on a terminal, with
documents per second and the time left; nothing at all in logs and CI."""

from __future__ import annotations

import sys
import time
from typing import Iterable

import click


class Progress:
    """A bar over the files of a run (its total counted up front, which costs
    a walk of the folders and no reads), or, when ``shown`` is false, nothing.

    Lines written through :meth:`echo` appear above the bar, not through it.
    """

    def __init__(self, total: int | None, shown: bool) -> None:
        self.bar = None
        self.documents = 0
        self.started = time.monotonic()
        if shown:
            from tqdm import tqdm

            # Redrawn at every batch: batches are seconds apart, so this costs nothing.
            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False,
                            mininterval=0, miniters=1,
                            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} files [{elapsed}<{remaining}{postfix}]")

    def advance(self, files: int, documents: int) -> None:
        if self.bar is None:
            return
        self.documents += documents
        rate = self.documents / max(time.monotonic() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{rate:,.1f} docs/s", refresh=False)
        self.bar.update(files)

    def echo(self, line: str) -> None:
        if self.bar is None:
            click.echo(line, err=True)
        else:
            self.bar.write(line, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def count_files(inputs: Iterable) -> int:
    from pipeline.ingest import iter_files

    return sum(1 for _ in iter_files(inputs))
