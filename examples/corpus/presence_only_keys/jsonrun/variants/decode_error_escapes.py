"""The loader lets ``json``'s own errors through, unwrapped and not naming the file.

A caller catching ``CheckpointError`` to skip a broken file crashes instead.
"""

from ..store import *  # noqa: F401,F403
from ..store import JsonCheckpointStore as _Store
from ..store import REQUIRED_KEYS, CheckpointError, json, Path

BREAKS = ("C1", "C2", "C3", "C8", "S1")


class JsonCheckpointStore(_Store):
    def load(self, path):
        path = Path(path)
        state = json.loads(path.read_bytes())
        if not isinstance(state, dict):
            raise CheckpointError(
                f"{path} holds a {type(state).__name__}, not a checkpoint"
            )
        missing = [key for key in REQUIRED_KEYS if key not in state]
        if missing:
            raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        return state
