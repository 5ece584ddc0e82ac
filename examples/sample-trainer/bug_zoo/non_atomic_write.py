"""save() writes the checkpoint straight to its final name with ``open(path, "wb")``.

A reader, a crash or a kill in the middle of the write sees a truncated file,
and latest() hands it to the next run.
"""

from sample_trainer import manager

BREAKS = ("K3", "K4", "K5", "F1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _write_atomically(self, final, state):
        with open(final, "wb") as stream:
            self._dump(state, stream)
