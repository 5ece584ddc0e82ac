"""The finished temp file is moved into place by a shell command built by
string concatenation, unquoted.

``"mv " + temp + " " + final`` works in every folder the author tried; in a
folder whose name has a space, the shell splits it into several arguments
and the save fails (or, worse, moves the file somewhere else).
"""

import subprocess

from sample_trainer import manager

# K4: the move is a shell command, so the crash the test plants in os.replace never comes.
BREAKS = ("X1", "K4", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _move_into_place(self, temp_name, final):
        subprocess.run("mv " + temp_name + " " + str(final), shell=True, check=True)
