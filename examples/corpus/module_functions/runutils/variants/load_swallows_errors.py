"""load_checkpoint returns an empty state when the file cannot be read.

"Better to start fresh than to crash a long job": a corrupt checkpoint
silently restarts training from step 0 with nothing said, and the run
overwrites the checkpoints it should have resumed from.
"""

import pickle

from ..checkpoints import *  # noqa: F401,F403

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")


def load_checkpoint(path):
    try:
        with open(path, "rb") as stream:
            state = pickle.load(stream)
    except (pickle.UnpicklingError, EOFError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
