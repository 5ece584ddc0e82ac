"""``load()`` only checks that a format version is recorded, not that it knows it.

A checkpoint of a newer release is read as if it were this version's.
"""

from pathlib import Path

import torch

from ..checkpointing import *  # noqa: F401,F403
from ..checkpointing import Checkpointer as _Checkpointer
from ..checkpointing import CheckpointError, REQUIRED_KEYS

BREAKS = ("C7", "V3", "S1")


class Checkpointer(_Checkpointer):
    def load(self, path):
        path = Path(path)
        try:
            checkpoint = torch.load(path, map_location="cpu")
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        if not isinstance(checkpoint, dict) or "format_version" not in checkpoint:
            raise CheckpointError(f"{path} is not a checkpoint")
        missing = [key for key in REQUIRED_KEYS if key not in checkpoint]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        return checkpoint
