"""The finished temp file is moved into place by a shell command built by
string concatenation, unquoted.

``"mv " + temp + " " + final`` works in every folder the author tried; in a
folder whose name has a space, the shell splits it into several arguments
and the save fails (or, worse, moves the file somewhere else).
"""

import os
import subprocess
import tempfile

from sample_trainer import manager

# K4: the move is a shell command, so the crash the test plants in os.replace never comes.
BREAKS = ("X1", "K4", "S1")


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
            subprocess.run("mv " + temp_name + " " + str(final), shell=True, check=True)
        except BaseException:
            try:
                os.unlink(temp_name)
            except FileNotFoundError:
                pass
            raise
