"""``load()`` returns whatever the file holds.

A file holding a list or a string is handed to the trainer, which fails
much later indexing it.
"""

import pickle
from pathlib import Path

from ..store import *  # noqa: F401,F403
from ..store import StateStore as _StateStore
from ..store import StoreError

BREAKS = ("C4", "C8", "S1")


class StateStore(_StateStore):
    def load(self, path):
        path = Path(path)
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            raise
        except Exception as error:
            raise StoreError(f"{path} cannot be unpickled: {error}") from error
