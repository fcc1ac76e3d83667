"""infra-extract: AI-infrastructure news in, analyst tables out."""

__version__ = "0.1.0"
