"""Buggy variants of ``persist.store``: one real bug each, declared in ``BREAKS``."""
