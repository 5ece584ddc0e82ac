"""Buggy variants of ``rlkit.model_manager``: one real bug each, declared in ``BREAKS``."""
