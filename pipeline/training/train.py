"""``make train``: rebuild the shipped NER (``pipeline/models/ner-names``) from its data.

    python -m pipeline.training.train [--corpus corpus] [--work build/train] [--max-steps N]

Training data, every part under an open licence (see ``pipeline/training/README.md``):

- Universal NER's English Web Treebank (``uner/``, CC BY-SA 4.0);
- GUM's news, interview, biography, academic, court and travel documents
  (``gum/``, annotations CC BY 4.0, texts CC BY 2.5 to CC BY-SA 3.0);
- the sentences of the project's own study splits, ``corpus/dev`` and
  ``corpus/real-dev``, named by the rules and corrected by their gold
  (``silver.py``). The blind splits never enter training.

UNER's and GUM's dev parts choose the best model; their test parts score it.
On a 2-core machine the whole run takes about 20 minutes.
"""

from __future__ import annotations

import argparse
import shutil
from importlib import resources
from pathlib import Path

from spacy.cli.train import train as spacy_train
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from pipeline.training import uner

DATA = Path(str(resources.files("pipeline.training")))
CONFIG = DATA / "ner.cfg"
PARTS = {
    "train": [DATA / "uner" / "en_ewt-ud-train.iob2.gz", DATA / "gum" / "gum-train.iob2.gz"],
    "dev": [DATA / "uner" / "en_ewt-ud-dev.iob2.gz", DATA / "gum" / "gum-dev.iob2.gz"],
    "test": [DATA / "uner" / "en_ewt-ud-test.iob2.gz", DATA / "gum" / "gum-test.iob2.gz"],
}


def build_corpora(work: Path, corpus: Path | None) -> dict[str, Path]:
    """The DocBins of train, dev and test under ``work``; the study splits join train."""
    from pipeline.language import make_nlp
    from pipeline.training.silver import study_sentences

    vocab = Vocab()
    paths = {}
    for part, files in PARTS.items():
        docs = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"])
        count = 0
        for path in files:
            for words, tags in uner.read_file(path):
                docs.add(uner.to_doc(vocab, words, tags))
                count += 1
        if part == "train" and corpus is not None:
            for doc in study_sentences(make_nlp(trained_ner=False), corpus):
                docs.add(doc)
                count += 1
        paths[part] = work / f"{part}.spacy"
        docs.to_disk(paths[part])
        print(f"{part}: {count} sentences")
    return paths


def ship_half_precision(path: Path) -> None:
    """Rewrite the trained pipeline at ``path`` with 16-bit weights: the file is half the
    size, and the tables on ``corpus/`` stay the same (see store_half_precision)."""
    import spacy

    from pipeline.components.ner_candidates import store_half_precision

    nlp = spacy.load(path)
    for _, pipe in nlp.pipeline:
        store_half_precision(pipe.model)
    nlp.to_disk(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"),
                        help="the project's corpus, whose study splits join the training data")
    parser.add_argument("--no-corpus", action="store_true", help="train on UNER and GUM only")
    parser.add_argument("--work", type=Path, default=Path("build/train"))
    parser.add_argument("--max-steps", type=int, default=None, help="override [training] max_steps")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the model goes (default: the package's pipeline/models/ner-names)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    paths = build_corpora(args.work, None if args.no_corpus else args.corpus)
    overrides = {"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"])}
    if args.max_steps is not None:
        overrides["training.max_steps"] = args.max_steps
    spacy_train(CONFIG, args.work / "model", overrides=overrides)
    from pipeline.language import NER_MODEL

    out = args.out or Path(str(resources.files("pipeline.models"))) / NER_MODEL
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(args.work / "model" / "model-best", out)
    ship_half_precision(out)
    print(f"model: {out}")


if __name__ == "__main__":
    main()
