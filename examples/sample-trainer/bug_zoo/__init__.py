"""Buggy variants of ``sample_trainer.manager.CheckpointManager``, one bug each.

Each module subclasses the correct manager, overrides one method with a
realistic bug, and declares in ``BREAKS`` the case ids whose tests must catch
it. A variant that needs a format other than pickle, other answers or
constructor keywords declares ``FORMAT``, ``ANSWERS`` and ``KWARGS`` (Python
source of each keyword's value). checkpoint-tests' own end-to-end test generates a suite for every variant
and checks that it fails, and only in those cases. ``python -m bug_zoo``
prints the catalogue as JSON.
"""
