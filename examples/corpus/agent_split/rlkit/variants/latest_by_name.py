"""``latest_checkpoint()`` takes the last name in sorted order.

``agent_9.pth`` sorts after ``agent_10.pth``: from timestep 10 on, a restart
goes back to timestep 9.
"""

from pathlib import Path

from ..model_manager import *  # noqa: F401,F403
from ..model_manager import ModelManager as _ModelManager

BREAKS = ("R1", "R2", "R5", "R6", "R7", "R9", "R12", "R13", "S1")


class ModelManager(_ModelManager):
    def latest_checkpoint(self, model_dir):
        names = sorted(Path(model_dir).glob("agent_*.pth"))
        return names[-1] if names else None
