"""Every save writes through the same temporary file, ``checkpoint.tmp``.

Alone it is atomic; two writers at once truncate each other's bytes, and the
first rename takes the file from under the second.
"""

import os

from sample_trainer import manager

BREAKS = ("K1", "K2", "K5")


class CheckpointManager(manager.CheckpointManager):
    def _write_atomically(self, final, state):
        temp = self.directory / "checkpoint.tmp"
        try:
            with open(temp, "wb") as stream:
                self._dump(state, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
