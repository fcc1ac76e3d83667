"""infra-extract's knowledge files (JSONL/JSON data). This file only makes the folder a package
so the wheel can ship it and importlib.resources can find it; nothing here is executed code."""
