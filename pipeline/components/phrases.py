"""Cue phrases matched on lower-cased tokens, tokenised by the pipeline's own
tokenizer so that "co-led by" matches however the tokenizer splits it."""

from __future__ import annotations

from typing import Iterable, Sequence


class Phrases:
    def __init__(self, nlp, phrases: Iterable[str]):
        seqs = {tuple(t.lower_ for t in nlp.make_doc(p) if not t.is_space) for p in phrases if p.strip()}
        self.seqs = sorted(seqs, key=len, reverse=True)  # longest first
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        for seq in self.seqs:
            self.by_first.setdefault(seq[0], []).append(seq)
            self.by_last.setdefault(seq[-1], []).append(seq)

    def starting_at(self, lower: Sequence[str], i: int) -> int:
        """Length (in tokens) of the longest phrase starting at token i, or 0."""
        if i >= len(lower):
            return 0
        for seq in self.by_first.get(lower[i], ()):
            if tuple(lower[i : i + len(seq)]) == seq:
                return len(seq)
        return 0

    def ending_at(self, lower: Sequence[str], end: int) -> int:
        """Length of the longest phrase whose last token is end-1, or 0."""
        if end <= 0:
            return 0
        for seq in self.by_last.get(lower[end - 1], ()):
            start = end - len(seq)
            if start >= 0 and tuple(lower[start:end]) == seq:
                return len(seq)
        return 0

    def find(self, lower: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
        hits = []
        first = self.by_first
        end = min(end, len(lower))
        i = start
        while i < end:
            n = self.starting_at(lower, i) if lower[i] in first else 0
            if n and i + n <= end:
                hits.append((i, i + n))
                i += n
            else:
                i += 1
        return hits
