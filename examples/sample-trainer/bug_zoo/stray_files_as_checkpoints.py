"""Anything whose name starts with the prefix and holds digits is a checkpoint.

``step_1002.pt.tmp`` from a crashed save, a ``.bak`` copy or a folder named
like a checkpoint becomes "the newest".
"""

import re

from sample_trainer import manager

BREAKS = ("R2", "R7", "T3", "S1")


class CheckpointManager(manager.CheckpointManager):
    def checkpoints(self):
        found = {}
        for path in self.directory.glob(f"{self.prefix}*"):
            digits = re.search(r"\d+", path.name[len(self.prefix) :])
            if digits:
                found[int(digits.group())] = path
        return found
