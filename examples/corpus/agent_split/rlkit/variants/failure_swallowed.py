"""``load_checkpoint()`` logs a damaged checkpoint and goes on with the agent as it is.

The run then trains on from fresh weights, believing it resumed.
"""

from pathlib import Path

import torch

from ..model_manager import *  # noqa: F401,F403
from ..model_manager import ModelManager as _ModelManager
from ..model_manager import log

BREAKS = ("C1", "C2", "C3", "C4", "C5", "C8", "S1")


class ModelManager(_ModelManager):
    def load_checkpoint(self, agent, checkpoint_path):
        try:
            checkpoint = torch.load(Path(checkpoint_path), map_location="cpu")
            agent.model.load_state_dict(checkpoint["model_state_dict"])
            agent.optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        except FileNotFoundError:
            raise
        except Exception as error:
            log.warning("could not restore from %s: %s", checkpoint_path, error)
            return 0
        return checkpoint["timestep"]
