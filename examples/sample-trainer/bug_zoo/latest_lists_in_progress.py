"""latest() searches the directory listing for ``step_<n>.<ext>`` anywhere in a name.

So ``.step_12.pkl.x1y2.tmp``, a save still in progress (or one killed half-way),
is taken for the checkpoint of step 12, and so are stray temp files.
"""

import os
import re
from pathlib import Path

from sample_trainer import manager

BREAKS = ("K3", "K4", "R2", "R7", "T3", "S1")


class CheckpointManager(manager.CheckpointManager):
    def checkpoints(self):
        pattern = re.compile(rf"{re.escape(self.prefix)}(\d+){re.escape(self.suffix)}")
        found = {}
        if not self.directory.is_dir():
            return found
        for name in os.listdir(self.directory):
            match = pattern.search(name)
            if match:
                found[int(match.group(1))] = Path(self.directory, name)
        return found
