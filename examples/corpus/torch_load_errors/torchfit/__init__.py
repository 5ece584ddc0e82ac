"""A small torch training package (the corpus entry torch_load_errors)."""
