"""load() turns only pickle's own errors into CheckpointError; others escape raw.

Truncated files and garbage raise ``UnpicklingError`` or ``EOFError``, so the
obvious cases pass; a changed byte can raise ``ValueError``, ``KeyError`` or
``UnicodeDecodeError`` instead, which reach the trainer unexplained.
"""

import pickle

from sample_trainer import manager

BREAKS = ("C8", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _load_checked(self, path):
        try:
            with open(path, "rb") as stream:
                state = pickle.load(stream)
        except (pickle.UnpicklingError, EOFError) as error:
            raise manager.CheckpointError(f"cannot read {path}: {error}") from error
        if not isinstance(state, dict):
            raise manager.CheckpointError(f"checkpoint {path} is not a dict")
        return state
