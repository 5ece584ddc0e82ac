"""A save that fails (disk full, permission, rename) leaves its temp file behind.

The half-written ``.step_N.pkl.*.tmp`` files pile up and fill the disk
further; tools that list the folder see them as checkpoints in progress.
"""

import os
import tempfile

from sample_trainer import manager

BREAKS = ("F1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _write_atomically(self, final, state):
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp", dir=self.directory
        )
        with os.fdopen(handle, "wb") as stream:
            self._dump(state, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, final)
