"""Pruning counts the checkpoint being saved twice, and keeps one too few.

"Make room for the new one" written after the new one is already on disk:
``max_to_keep=3`` keeps two, and an explicit resume path a user copied from
the log a minute ago is already gone.
"""

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointSaver as _CheckpointSaver

BREAKS = ("T1", "T2", "T3", "T4", "R3", "R6", "R14", "S1")


class CheckpointSaver(_CheckpointSaver):
    def _prune(self):
        found = self.checkpoints()
        for step in sorted(found)[: len(found) - self.max_to_keep + 1]:
            found[step].unlink()
