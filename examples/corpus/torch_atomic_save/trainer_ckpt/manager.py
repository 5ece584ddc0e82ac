"""Checkpoints the way most torch training scripts write them.

``torch.save(state, path)`` by file name into a temporary name beside the
checkpoint, then ``os.replace`` onto ``step_<N>.pt``: torch's C++ writer
creates and fills the file, so no byte of it passes through Python's
``open()``. A failed save removes its temporary file and raises.
"""

import os
import re
import uuid
from pathlib import Path

import torch

STEP_FILE = re.compile(r"^step_(\d+)\.pt$")


class CheckpointManager:
    """Saves training states as ``step_<N>.pt`` in ``directory``."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def path_for(self, step):
        return self.directory / f"step_{step}.pt"

    def save(self, state, step):
        """Write ``state`` as the checkpoint of ``step``; return its path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.path_for(step)
        temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        try:
            torch.save(state, temporary)
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return final

    def load(self, path):
        """The state saved at ``path``."""
        return torch.load(path, map_location="cpu")

    def checkpoints(self):
        """``(step, path)`` of every checkpoint, oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.iterdir():
            match = STEP_FILE.match(path.name)
            if match and path.is_file():
                found.append((int(match.group(1)), path))
        return sorted(found)

    def latest(self):
        """The newest checkpoint by step, or None."""
        found = self.checkpoints()
        return found[-1][1] if found else None
