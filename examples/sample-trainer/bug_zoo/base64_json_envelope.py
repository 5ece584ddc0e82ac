"""save() wraps the pickled state in a JSON envelope with a base64 body.

"So the file has readable metadata": the state is held as pickle bytes, then
as base64 bytes, then as a str, then as the encoded JSON, all at once.
"""

import base64
import json
import pickle

from sample_trainer import manager

BREAKS = ("P1", "P2", "C4", "S1")


class CheckpointManager(manager.CheckpointManager):
    def _dump(self, state, stream):
        if self.fmt != "pickle":
            return super()._dump(state, stream)
        body = base64.b64encode(pickle.dumps(state)).decode("ascii")
        stream.write(json.dumps({"format": "pickle", "body": body}).encode("utf-8"))

    def _read(self, path):
        if self.fmt != "pickle":
            return super()._read(path)
        envelope = json.loads(path.read_text(encoding="utf-8"))
        return pickle.loads(base64.b64decode(envelope["body"]))
