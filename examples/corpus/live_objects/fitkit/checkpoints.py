"""Checkpoints of a torch model and optimizer the manager is built with.

The trainer builds ``CheckpointManager(model, optimizer, save_dir)`` once;
``save(step)`` writes both ``state_dict()``s and the step to
``step-<step>.ckpt`` (a temp file, then a rename), and ``load(path)`` puts
them back into the same live objects and returns the step to go on from.
"""

import os
import re
from pathlib import Path

import torch

CHECKPOINT_NAME = re.compile(r"^step-(\d+)\.ckpt$")
REQUIRED_KEYS = ("model", "optimizer", "step")


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be restored from."""


class CheckpointManager:
    """Saves and restores ``model`` and ``optimizer`` under ``save_dir``."""

    def __init__(self, model, optimizer, save_dir):
        self.model = model
        self.optimizer = optimizer
        self.save_dir = Path(save_dir)

    def path_for(self, step):
        return self.save_dir / f"step-{step}.ckpt"

    def save(self, step):
        """Write the model's and optimizer's state for ``step``; return the path."""
        self.save_dir.mkdir(parents=True, exist_ok=True)
        checkpoint = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "step": step,
        }
        path = self.path_for(step)
        temporary = path.with_name(f"{path.name}.tmp")
        try:
            torch.save(checkpoint, temporary)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def load(self, path):
        """Restore the model and optimizer from ``path``; return its step."""
        path = Path(path)
        try:
            checkpoint = torch.load(path, map_location="cpu")
        except FileNotFoundError:
            raise
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        if not isinstance(checkpoint, dict):
            raise CheckpointError(f"{path} holds a {type(checkpoint).__name__}")
        missing = [key for key in REQUIRED_KEYS if key not in checkpoint]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        self.model.load_state_dict(checkpoint["model"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        return checkpoint["step"]

    def latest(self):
        """The checkpoint of the highest step, or None."""
        if not self.save_dir.is_dir():
            return None
        steps = [
            int(match.group(1))
            for entry in self.save_dir.iterdir()
            if (match := CHECKPOINT_NAME.match(entry.name)) and entry.is_file()
        ]
        return self.path_for(max(steps)) if steps else None

    def resume(self, source="latest"):
        """Restore from ``"latest"`` or a path; ``None`` is a fresh start."""
        if source is None:
            return None
        path = self.latest() if source == "latest" else Path(source)
        return None if path is None else self.load(path)
