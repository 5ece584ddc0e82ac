"""Buggy variants of fitloop.checkpoints, one real bug each (BREAKS: the cases that catch it)."""
