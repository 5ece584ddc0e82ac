"""Pruning forgets every checkpoint this process did not write.

The saver remembers the paths it wrote in a list and deletes from its front:
after a restart the earlier run's checkpoints are never deleted (the disk
fills up run after run), and the order is save order, not step order.
"""

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointSaver as _CheckpointSaver

BREAKS = ("T1", "T2", "T4", "S1")


class CheckpointSaver(_CheckpointSaver):
    def __init__(self, directory, max_to_keep=5):
        super().__init__(directory, max_to_keep)
        self.written = []

    def save(self, state, step):
        path = super().save(state, step)
        if path in self.written:
            self.written.remove(path)
        self.written.append(path)
        while len(self.written) > self.max_to_keep:
            self.written.pop(0).unlink(missing_ok=True)
        return path

    def _prune(self):
        pass  # save() prunes what it remembers writing
