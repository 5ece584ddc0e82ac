"""Buggy variants of rltrain.experiment, one real bug each (BREAKS: the cases that catch it)."""
