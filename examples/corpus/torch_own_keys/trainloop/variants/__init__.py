"""Buggy variants of ``trainloop.checkpointing``: one real bug each, declared in ``BREAKS``."""
