"""A failed save leaves its half-written temporary file behind."""

import os
import uuid

import torch

from ..manager import *  # noqa: F401,F403
from ..manager import CheckpointManager as _Correct

BREAKS = ("F1",)


class CheckpointManager(_Correct):
    def save(self, state, step):
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.path_for(step)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        torch.save(state, temporary)
        os.replace(temporary, final)
        return final
