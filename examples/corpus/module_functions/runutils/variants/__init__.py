"""Buggy variants of runutils.checkpoints, one real bug each (BREAKS: the cases that catch it)."""
