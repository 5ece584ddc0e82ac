"""A small trainer whose checkpoint folder keeps a rolling last.ckpt beside per-step files."""
