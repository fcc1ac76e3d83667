"""Pure parsing functions: text in, a record (or None) out. No spaCy objects here."""
