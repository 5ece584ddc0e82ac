"""Buggy variants of ``sample_trainer.manager.CheckpointManager``, one bug each.

Each module subclasses the correct manager, overrides one method with a
realistic bug, and declares in ``BREAKS`` the case ids whose tests must catch
it. A variant that needs other answers than the defaults (a lock file, the
torch format) says so in ``ANSWERS``, which the zoo adds to the sample's.
checkpoint-tests' own end-to-end test generates a suite for every variant
and checks that it fails, and only in those cases. ``python -m bug_zoo``
prints the catalogue as JSON.
"""
