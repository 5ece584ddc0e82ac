"""Checkpoints are listed with glob on the folder's name, unescaped.

A sweep folder such as ``sweep [lr=0.1]`` is read as a pattern, so no
checkpoint is ever found there.
"""

import glob
import os
from pathlib import Path

from sample_trainer import manager

BREAKS = ("X1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def checkpoints(self):
        found = {}
        pattern = os.path.join(str(self.directory), f"{self.prefix}*{self.suffix}")
        for name in glob.glob(pattern):
            match = self._name_pattern.match(os.path.basename(name))
            if match and os.path.isfile(name):
                found[int(match.group(1))] = Path(name)
        return found
