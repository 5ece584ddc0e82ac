"""Buggy variants of ``torchfit.checkpoint``: one real bug each, declared in ``BREAKS``."""
