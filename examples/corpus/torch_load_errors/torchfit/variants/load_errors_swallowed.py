"""A damaged checkpoint loads as an empty state: the error is logged and swallowed.

The trainer then resumes "from" an empty dict: a fresh model under an old step.
"""

import logging

from ..checkpoint import *  # noqa: F401,F403
from ..checkpoint import TorchCheckpointer as _Checkpointer

BREAKS = ("C1", "C2", "C3", "C4", "C8", "S1")


class TorchCheckpointer(_Checkpointer):
    def load(self, path):
        try:
            return super().load(path)
        except (EOFError, RuntimeError, ValueError, KeyError) as error:
            logging.getLogger(__name__).warning("could not load %s: %s", path, error)
            return {}
