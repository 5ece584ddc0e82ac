"""Saving and resuming a torch training run, one ``checkpoint-<step>.pt`` a save.

A save goes to a temp file beside the checkpoint and is renamed into place,
so a crash never leaves a half-written ``checkpoint-<step>.pt``. Loading is
``torch.load`` and little else: whatever torch raises for a damaged file
(``EOFError``, ``pickle.UnpicklingError``, ``RuntimeError`` from the zip
reader, and more, depending on where the damage is) reaches the caller as it
is, and the trainer's log shows torch's own message. Only a well-formed file
that does not hold a dict is refused here, with a ``RuntimeError``.
"""

import os
import re
from pathlib import Path

import torch

CHECKPOINT_NAME = re.compile(r"^checkpoint-(\d+)\.pt$")


class TorchCheckpointer:
    """Checkpoints of one run under ``directory``."""

    def __init__(self, directory):
        self.directory = Path(directory)
        # The checkpoint the last resume loaded, for the run's logs.
        self.last_loaded = None

    def path_for(self, step):
        return self.directory / f"checkpoint-{step}.pt"

    def save(self, state, step):
        """Write ``state`` for ``step`` (temp file, then rename); return the path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(step)
        temporary = path.with_name(path.name + ".tmp")
        try:
            torch.save(state, temporary)
            os.replace(temporary, path)
        except BaseException:
            # A failed save leaves nothing behind: no temp file to find later.
            temporary.unlink(missing_ok=True)
            raise
        return path

    def load(self, path):
        """The state at ``path``, on the CPU; torch's errors pass through."""
        checkpoint = torch.load(path, map_location="cpu")
        if not isinstance(checkpoint, dict):
            raise RuntimeError(
                f"not a training checkpoint: a {type(checkpoint).__name__}"
            )
        return checkpoint

    def latest(self):
        """The checkpoint of the largest step, or None."""
        if not self.directory.is_dir():
            return None
        steps = []
        for entry in self.directory.iterdir():
            match = CHECKPOINT_NAME.match(entry.name)
            if match and entry.is_file():
                steps.append(int(match.group(1)))
        return self.path_for(max(steps)) if steps else None

    def resume(self, source=None):
        """Load ``"latest"`` or a path; ``None`` starts fresh and loads nothing."""
        if source is None:
            self.last_loaded = None
            return None
        path = self.latest() if source == "latest" else Path(source)
        if path is None:
            self.last_loaded = None
            return None
        state = self.load(path)
        self.last_loaded = path
        return state
