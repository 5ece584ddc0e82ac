"""A small training package whose checkpoints are JSON files (the corpus entry presence_only_keys)."""
