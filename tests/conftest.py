from pathlib import Path

import pytest
import spacy

from pipeline.language import make_nlp

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    """The default pipeline: spacy.blank("en") plus infra-extract."""
    return make_nlp()


@pytest.fixture
def blank():
    return spacy.blank("en")
