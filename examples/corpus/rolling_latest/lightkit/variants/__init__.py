"""Buggy variants of lightkit.ckpt_io, one real bug each (BREAKS: the cases that catch it)."""
