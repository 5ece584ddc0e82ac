"""Buggy variants of ``fitkit.checkpoints``: one real bug each, declared in ``BREAKS``."""
