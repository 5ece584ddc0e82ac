"""Any well-formed JSON loads: a list or a string is handed to the trainer as the state.

The key check runs only on objects, so ``["step", "model", "optimizer"]`` passes it.
"""

from ..store import *  # noqa: F401,F403
from ..store import JsonCheckpointStore as _Store
from ..store import REQUIRED_KEYS, CheckpointError, json, Path

BREAKS = ("C4", "C8", "S1")


class JsonCheckpointStore(_Store):
    def load(self, path):
        path = Path(path)
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CheckpointError(
                f"{path} is not a JSON checkpoint: {error}"
            ) from error
        if isinstance(state, dict):
            missing = [key for key in REQUIRED_KEYS if key not in state]
            if missing:
                raise CheckpointError(f"{path} lacks {', '.join(missing)}")
        return state
