"""Overwriting a step removes the old file first, then renames the new one in.

``os.rename`` refuses to replace a file on Windows, so the code deletes the
target first; when the rename then fails (a cross-device move, a permission),
the step's only checkpoint is gone and nothing loadable is left.
"""

import os
import tempfile

from sample_trainer import manager

BREAKS = ("F1", "K5", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _write_atomically(self, final, state):
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp", dir=self.directory
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                self._dump(state, stream)
                stream.flush()
                os.fsync(stream.fileno())
            if final.exists():
                os.unlink(final)
            os.rename(temp_name, final)
        except BaseException:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
            raise
