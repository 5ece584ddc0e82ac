"""Pruning makes room before the new checkpoint is written.

When the write then fails (a full disk, the very reason to free space), the
oldest checkpoint is already deleted and nothing replaced it.
"""

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointSaver as _CheckpointSaver

BREAKS = ("F1", "S1")


class CheckpointSaver(_CheckpointSaver):
    def save(self, state, step):
        found = self.checkpoints()
        found.pop(step, None)
        for old in sorted(found)[: len(found) - self.max_to_keep + 1]:
            found[old].unlink()
        return super().save(state, step)

    def _prune(self):
        pass
