"""The newest checkpoint is looked up as the largest step file, not ``last.ckpt``.

After a run is restarted from an earlier step, the largest step file belongs
to the abandoned run, and resuming "latest" brings it back.
"""

from ..ckpt_io import *  # noqa: F401,F403
from ..ckpt_io import ModelCheckpoint as _ModelCheckpoint

BREAKS = ("R5", "R6", "R7", "R9", "R14", "S1")


class ModelCheckpoint(_ModelCheckpoint):
    def last_checkpoint(self):
        steps = self._steps()
        return steps[max(steps)] if steps else None
