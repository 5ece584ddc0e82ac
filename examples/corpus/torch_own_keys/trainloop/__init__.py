"""A small torch training loop (the corpus entry torch_own_keys)."""
