"""A small torch trainer's checkpointing (the corpus entry live_objects)."""
