"""``save_checkpoint()`` writes straight to ``agent_<timestep>.pth``.

A save that fails halfway leaves a truncated file where the checkpoint was.
"""

from pathlib import Path

import torch

from ..model_manager import *  # noqa: F401,F403
from ..model_manager import ModelManager as _ModelManager
from ..model_manager import log

BREAKS = ("F1", "F2", "S1")


class ModelManager(_ModelManager):
    def save_checkpoint(self, agent, model_dir, timestep):
        model_dir = Path(model_dir)
        path = model_dir / f"agent_{timestep}.pth"
        try:
            model_dir.mkdir(parents=True, exist_ok=True)
            torch.save(
                {
                    "timestep": timestep,
                    "model_state_dict": agent.model.state_dict(),
                    "optimizer_state_dict": agent.optimizer.state_dict(),
                },
                path,
            )
        except OSError as error:
            log.error("checkpoint of timestep %s not saved: %s", timestep, error)
            return False, None
        return True, path
