"""Whatever ``torch.load`` returns is the state, a tensor or a list included."""

import torch

from ..checkpoint import *  # noqa: F401,F403
from ..checkpoint import TorchCheckpointer as _Checkpointer

BREAKS = ("C4", "S1")


class TorchCheckpointer(_Checkpointer):
    def load(self, path):
        return torch.load(path, map_location="cpu")
