"""A small training toolkit whose checkpoints keep a pointer to the last one saved."""
