"""Buggy variants of trainkit.checkpointing, one real bug each (BREAKS: the cases that catch it)."""
