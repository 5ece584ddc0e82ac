"""Saving and loading an agent's networks, the folder given at every call.

One ``ModelManager`` serves every run of a process: the agent (anything with
a ``model`` and an ``optimizer``) and the run's model folder are passed to
each call. ``save_checkpoint`` reports how it went as an ``(ok, path)`` pair
and never raises, so a long run survives a full disk; ``load_checkpoint``
puts the saved weights back into the agent's live objects and returns the
timestep to go on from.
"""

import logging
import os
import re
from pathlib import Path

import torch

log = logging.getLogger(__name__)

CHECKPOINT_NAME = re.compile(r"^agent_(\d+)\.pth$")


class CheckpointLoadError(RuntimeError):
    """A checkpoint the agent cannot be restored from."""


class ModelManager:
    """Checkpoints of agents, one folder a run."""

    def save_checkpoint(self, agent, model_dir, timestep):
        """Save ``agent`` at ``timestep`` under ``model_dir``: ``(True, path)`` or ``(False, None)``."""
        model_dir = Path(model_dir)
        path = model_dir / f"agent_{timestep}.pth"
        temporary = path.with_name(f"{path.name}.tmp")
        try:
            model_dir.mkdir(parents=True, exist_ok=True)
            torch.save(
                {
                    "timestep": timestep,
                    "model_state_dict": agent.model.state_dict(),
                    "optimizer_state_dict": agent.optimizer.state_dict(),
                },
                temporary,
            )
            os.replace(temporary, path)
        except OSError as error:
            log.error("checkpoint of timestep %s not saved: %s", timestep, error)
            temporary.unlink(missing_ok=True)
            return False, None
        return True, path

    def load_checkpoint(self, agent, checkpoint_path):
        """Restore ``agent`` from ``checkpoint_path``; return its timestep."""
        checkpoint_path = Path(checkpoint_path)
        try:
            checkpoint = torch.load(checkpoint_path, map_location="cpu")
            # A damaged file can hold tensors of the wrong shape: refused here too.
            agent.model.load_state_dict(checkpoint["model_state_dict"])
            agent.optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
            return checkpoint["timestep"]
        except FileNotFoundError:
            raise
        except Exception as error:
            raise CheckpointLoadError(
                f"cannot restore from {checkpoint_path}: {error!r}"
            ) from error

    def latest_checkpoint(self, model_dir):
        """The checkpoint of the highest timestep under ``model_dir``, or None."""
        model_dir = Path(model_dir)
        if not model_dir.is_dir():
            return None
        found = [
            (int(match.group(1)), entry)
            for entry in model_dir.iterdir()
            if (match := CHECKPOINT_NAME.match(entry.name)) and entry.is_file()
        ]
        return max(found)[1] if found else None
