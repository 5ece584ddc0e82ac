"""``latest_path`` is the most recently modified state file.

Re-saving an old step (a rerun of an evaluation, say) makes it "latest".
"""

from ..store import *  # noqa: F401,F403
from ..store import StateStore as _StateStore

BREAKS = ("R5", "R6", "R7", "R13", "S1")


class StateStore(_StateStore):
    @property
    def latest_path(self):
        if not self.root.is_dir():
            return None
        files = [entry for entry in self.root.glob("state_*.pkl") if entry.is_file()]
        return max(files, key=lambda entry: entry.stat().st_mtime) if files else None
