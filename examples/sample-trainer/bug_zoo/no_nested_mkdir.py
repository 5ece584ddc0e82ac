"""save() creates the checkpoint folder with os.mkdir, which cannot make parents.

Checking ``exists()`` first also races: two writers that start together both
see no folder, and the second ``os.mkdir`` raises FileExistsError.
"""

import os

from sample_trainer import manager

BREAKS = ("R10", "F1", "X1", "K1", "K2", "K5", "S1")


class CheckpointManager(manager.CheckpointManager):
    def save(self, state, step):
        if not self.directory.exists():
            os.mkdir(self.directory)
        final = self.path_for(step)
        self._write_atomically(final, state)
        return final
