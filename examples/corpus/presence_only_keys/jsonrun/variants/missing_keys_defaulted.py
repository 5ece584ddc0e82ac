"""A checkpoint without ``optimizer`` loads, the missing keys filled with empty dicts.

"Be lenient with old files": the run resumes with a fresh optimizer, silently.
"""

from ..store import *  # noqa: F401,F403
from ..store import JsonCheckpointStore as _Store
from ..store import REQUIRED_KEYS, CheckpointError, json, Path

BREAKS = ("C5", "S1")


class JsonCheckpointStore(_Store):
    def load(self, path):
        path = Path(path)
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CheckpointError(
                f"{path} is not a JSON checkpoint: {error}"
            ) from error
        if not isinstance(state, dict):
            raise CheckpointError(
                f"{path} holds a {type(state).__name__}, not a checkpoint"
            )
        for key in REQUIRED_KEYS:
            state.setdefault(key, {})
        return state
