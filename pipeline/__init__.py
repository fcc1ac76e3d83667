"""infra-extract: AI-infrastructure news in, analyst tables out.

``extract_text`` and ``extract_folder`` (see :mod:`pipeline.api`) are the
Python API; they are imported on first use, so ``import pipeline`` stays cheap.
"""

__version__ = "0.1.0"
__all__ = ["extract_folder", "extract_text"]


def __getattr__(name: str):
    if name in __all__:
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
