"""``load()`` indexes the checkpoint without checking it holds a model and an optimizer.

A file without them fails with a bare ``KeyError`` deep in the restore.
"""

from pathlib import Path

import torch

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import CheckpointManager as _CheckpointManager
from ..checkpoints import CheckpointError

BREAKS = ("C4", "C5", "C8", "S1")


class CheckpointManager(_CheckpointManager):
    def load(self, path):
        path = Path(path)
        try:
            checkpoint = torch.load(path, map_location="cpu")
        except FileNotFoundError:
            raise
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        self.model.load_state_dict(checkpoint["model"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        return checkpoint["step"]
