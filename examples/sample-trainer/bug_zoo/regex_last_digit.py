"""The step pattern's greedy ``.*`` leaves only the last digit to the group.

step_10 parses as 0 and step_9 as 9, so latest() picks step 9.
"""

import re

from sample_trainer import manager

BREAKS = ("R5", "T1", "S1")


class CheckpointManager(manager.CheckpointManager):
    def __init__(self, directory, fmt="pickle", prefix="step_", **policies):
        super().__init__(directory, fmt=fmt, prefix=prefix, **policies)
        self._name_pattern = re.compile(
            rf"^{re.escape(prefix)}.*(\d+){re.escape(self.suffix)}$"
        )
