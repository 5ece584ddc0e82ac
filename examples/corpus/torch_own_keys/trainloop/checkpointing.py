"""Checkpoints of a torch training loop: one ``ckpt_<step>.pt`` a save.

The trainer hands ``save`` the dict it wants back, under its own key names
(``model_state_dict``, ``optimizer_state_dict``, ...). The checkpointer adds
its format version and the global step, writes a temp file beside the
checkpoint and renames it into place. ``load`` refuses a file that is not one
of its checkpoints: not a dict, a format version it does not know, or a
required part missing.
"""

import os
import re
from pathlib import Path

import torch

FORMAT_VERSION = 3
REQUIRED_KEYS = ("model_state_dict", "optimizer_state_dict")
CHECKPOINT_NAME = re.compile(r"^ckpt_(\d+)\.pt$")


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be resumed from."""


class Checkpointer:
    """The checkpoints of one run under ``checkpoint_dir``."""

    def __init__(self, checkpoint_dir):
        self.checkpoint_dir = Path(checkpoint_dir)

    def path_for(self, step):
        return self.checkpoint_dir / f"ckpt_{step}.pt"

    def save(self, state, step):
        """Write ``state`` for ``step`` with the format version and step added."""
        checkpoint = dict(state)
        checkpoint["format_version"] = FORMAT_VERSION
        checkpoint["global_step"] = step
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        path = self.path_for(step)
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            torch.save(checkpoint, temporary)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def load(self, path):
        """The checkpoint at ``path``, on the CPU, checked before it is returned."""
        path = Path(path)
        try:
            checkpoint = torch.load(path, map_location="cpu")
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        if not isinstance(checkpoint, dict):
            raise CheckpointError(f"{path} holds a {type(checkpoint).__name__}")
        version = checkpoint.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise CheckpointError(
                f"{path} has format version {version!r};"
                f" this code reads versions up to {FORMAT_VERSION}"
            )
        missing = [key for key in REQUIRED_KEYS if key not in checkpoint]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        return checkpoint

    def latest_checkpoint(self):
        """The checkpoint of the highest step, or None when there is none."""
        if not self.checkpoint_dir.is_dir():
            return None
        steps = [
            int(match.group(1))
            for entry in self.checkpoint_dir.iterdir()
            if (match := CHECKPOINT_NAME.match(entry.name)) and entry.is_file()
        ]
        return self.path_for(max(steps)) if steps else None

    def resume(self, source="latest"):
        """Load ``"latest"`` or a path; ``None`` (a fresh run) loads nothing."""
        if source is None:
            return None
        path = self.latest_checkpoint() if source == "latest" else Path(source)
        return None if path is None else self.load(path)
