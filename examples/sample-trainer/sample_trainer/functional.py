"""The sample manager's operations as module-level functions.

Some projects keep checkpoint code as functions that take the checkpoint
folder first; checkpoint-tests binds those when no class is given.
"""

from pathlib import Path
from time import sleep

from sample_trainer.manager import CheckpointManager


def save(directory, state, step):
    """Write ``state`` as the checkpoint of ``step`` in ``directory``."""
    return CheckpointManager(directory).save(state, step)


def load(path):
    """Read the checkpoint at ``path``."""
    return CheckpointManager(Path(path).parent).load(path)


def latest(directory):
    """Path of the newest checkpoint in ``directory``, or None."""
    return CheckpointManager(directory).latest()


def resume(directory, source="latest"):
    """Load ``"latest"``, a path, or nothing from ``directory``."""
    return CheckpointManager(directory).resume(source)


def publish(path, name, metadata=None, aliases=None):
    """Log the checkpoint at ``path`` as a W&B model artifact.

    Waits between attempts with this module's ``sleep``, looked up at each
    call, so a test can replace it.
    """
    manager = CheckpointManager(Path(path).parent, sleep=lambda seconds: sleep(seconds))
    return manager.publish(path, name, metadata, aliases)
