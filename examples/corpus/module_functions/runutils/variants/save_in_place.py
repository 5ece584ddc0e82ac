"""save_checkpoint writes straight into the final file.

"The temp file and rename were slow on the cluster's file system": a disk
that fills up mid-write now leaves a truncated ``checkpoint_<step>.pkl``
that looks like the newest checkpoint, and the next resume fails on it.
"""

import pickle

from ..checkpoints import *  # noqa: F401,F403
from ..checkpoints import checkpoint_path

BREAKS = ("F1", "S1")


def save_checkpoint(checkpoint_dir, state, step):
    path = checkpoint_path(checkpoint_dir, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        pickle.dump(dict(state), stream, protocol=pickle.HIGHEST_PROTOCOL)
    return path
