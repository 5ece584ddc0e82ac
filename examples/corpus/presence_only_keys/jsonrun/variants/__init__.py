"""Buggy variants of ``jsonrun.store``: one real bug each, declared in ``BREAKS``."""
