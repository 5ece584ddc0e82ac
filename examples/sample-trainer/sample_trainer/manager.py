"""Checkpoints for a training loop: save, find the newest, resume, publish.

Everything a careful implementation does, kept small enough to read in one
sitting:

- writes are atomic: the bytes go to a unique temporary file in the same
  directory, are flushed and fsynced, and only then renamed over the final
  name with ``os.replace``; a crash leaves the previous checkpoint intact;
- the newest checkpoint is the one with the largest step parsed from its
  name (``step_<n>.<ext>``), never the newest mtime or the last in string order;
- anything that is not exactly ``step_<digits>.<ext>`` and a regular file is
  ignored: temp files, backups, directories, notes;
- loading checks that the file holds a dict and raises ``CheckpointError``
  naming the path when it does not;
- resuming from an explicit path loads that file or raises
  ``FileNotFoundError``; resuming from ``None`` starts fresh;
- each of those choices is a keyword argument, so the sample can stand for
  a team that chose otherwise (see ``CheckpointManager.__init__``);
- ``resumed_from`` records the file a resume loaded, and ``None`` otherwise;
- a corrupt checkpoint (unreadable, not a dict, a required key missing or of
  the wrong type, a newer format version) raises ``CheckpointError`` naming
  the path, or gives None, or is skipped by ``resume("latest")`` for the
  newest valid one, with a warning naming it (``on_corrupt``);
- with a ``version_key``, every save records the format version, and a load
  upgrades an older checkpoint through ``migrations`` (by default, version 1
  kept the model's weights under ``"weights"`` and had no ``"metadata"``);
- ``restore`` loads a checkpoint into a live model and optimizer, all or
  nothing: when either part fails, both are put back as they were.
- ``training_state`` captures a whole torch training run (weights, optimizer,
  LR scheduler, grad scaler and the Python, NumPy and torch RNG states) as
  copies, and ``restore_training`` puts all of it back, so a resumed run
  continues exactly as an uninterrupted one would;
- concurrent writers may also share a lock file (``lock="filelock"`` or
  ``lock="own"``), held from the first byte written to the rename;
- under ``torch.distributed``, only rank 0 writes; ``save`` on another rank
  returns the path rank 0 writes.
"""

import copy
import importlib
import json
import logging
import os
import pickle
import random
import re
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

logger = logging.getLogger(__name__)

SUFFIXES = {"pickle": ".pkl", "json": ".json", "torch": ".pt"}

# The type each top-level key a manager may require holds in a valid checkpoint.
REQUIRED_TYPES = {"step": int, "model": dict, "optimizer": dict, "metadata": dict}


def upgrade_from_version_1(state):
    """A version-1 state in the version-2 layout.

    Version 1 kept the model's weights under ``"weights"`` and had no
    ``"metadata"``; version 2 calls them ``"model"`` and always has metadata.
    """
    state = dict(state)
    if "weights" in state:
        state["model"] = state.pop("weights")
    state.setdefault("metadata", {})
    return state


# Format version -> the function that upgrades a state of it to the next version.
# A version without one changed nothing a loader must undo.
MIGRATIONS = {1: upgrade_from_version_1}


class CheckpointError(ValueError):
    """A checkpoint file exists but cannot be read as a checkpoint.

    A ``ValueError``: the file's content is wrong, as with ``json``'s errors.
    """


class CheckpointManager:
    """Saves and finds the checkpoints of one training run in one directory."""

    def __init__(
        self,
        directory,
        fmt="pickle",
        prefix="step_",
        *,
        newest_by="step",
        save_step_zero=True,
        on_duplicate="overwrite",
        resume_none="fresh",
        missing_path="raise",
        on_corrupt="raise",
        required_keys=(),
        version_key=None,
        current_version=1,
        migrations=None,
        tracker="wandb",
        artifact_type="model",
        default_aliases=("latest",),
        on_publish_error="return-false",
        publish_retries=2,
        transient_errors=None,
        retry_delay=1.0,
        sleep=time.sleep,
        keep_last=None,
        keep_best=None,
        best_metric="loss",
        on_save_error="raise",
        lock=None,
    ):
        """Manage the checkpoints in ``directory``.

        The keyword arguments choose among the policies a team may want
        (checkpoint-tests asks the same questions): which checkpoint is the
        newest (``"step"`` or ``"mtime"``), whether step 0 is saved, what a
        second save of a step does (``"overwrite"``, ``"skip"``, ``"raise"``),
        what ``resume(None)`` does (``"fresh"`` or ``"latest"``), and what
        resuming from a missing path does (``"raise"`` or ``"none"``).

        A corrupt checkpoint raises ``CheckpointError`` (``on_corrupt="raise"``),
        loads as None (``"none"``), or is skipped by ``resume("latest")`` for
        the newest valid one (``"fallback"``). ``required_keys`` names keys of
        ``REQUIRED_TYPES`` every checkpoint must hold; with a ``version_key``,
        each save records ``current_version`` under it and a load refuses a
        missing or newer version (and removes the key from the state it gives).
        A load upgrades an older version through ``migrations``: a mapping of
        each format version to a function that upgrades a state of that
        version to the next (``MIGRATIONS`` by default).

        Publishing: the tracker (``"wandb"`` or ``"mlflow"``), the artifact
        type, the aliases used when none are given, what a tracker failure
        does (``"return-false"`` or ``"raise"``), how many times a transient
        failure is retried and which failures are transient (by default the
        tracker's communication error, connection errors, timeouts and HTTP
        5xx for W&B, the same without the tracker's error for MLflow), and
        the ``sleep`` used to back off between attempts.

        Retention (``prune()``) keeps the ``keep_last`` newest checkpoints by
        step (all when None), the one a resume loaded, and, when ``keep_best``
        is ``"lowest"`` or ``"highest"``, the one whose ``state[best_metric]``
        is best. ``on_save_error`` says what a failed write does: ``"raise"``
        the ``OSError``, or ``"none"``: log it and return None.

        Concurrent writers may share a lock file (``lock``: ``None``,
        ``"filelock"`` or ``"own"``), held from the first byte to the rename.
        """
        if fmt not in SUFFIXES:
            raise ValueError(
                f"unknown format {fmt!r}; expected one of {sorted(SUFFIXES)}"
            )
        self.directory = Path(directory)
        self.fmt = fmt
        self.prefix = prefix
        self.suffix = SUFFIXES[fmt]
        self.newest_by = newest_by
        self.save_step_zero = save_step_zero
        self.on_duplicate = on_duplicate
        self.resume_none = resume_none
        self.missing_path = missing_path
        self.on_corrupt = on_corrupt
        self.required_keys = tuple(required_keys)
        self.version_key = version_key
        self.current_version = current_version
        self.migrations = dict(MIGRATIONS if migrations is None else migrations)
        self.tracker = tracker
        self.artifact_type = artifact_type
        self.default_aliases = tuple(default_aliases)
        self.on_publish_error = on_publish_error
        self.publish_retries = publish_retries
        if transient_errors is None:
            transient_errors = ("connection", "timeout", "http-5xx")
            if tracker == "wandb":
                transient_errors = ("tracker-comm", *transient_errors)
        self.transient_errors = tuple(transient_errors)
        self.retry_delay = retry_delay
        self.sleep = sleep
        self.keep_last = keep_last
        self.keep_best = keep_best
        self.best_metric = best_metric
        self.on_save_error = on_save_error
        if lock not in (None, "filelock", "own"):
            raise ValueError(
                f"unknown lock {lock!r}; expected None, 'filelock' or 'own'"
            )
        self.lock = lock
        self.resumed_from = None
        self._name_pattern = re.compile(
            rf"^{re.escape(prefix)}(\d+){re.escape(self.suffix)}$"
        )

    # -- writing -----------------------------------------------------------

    def path_for(self, step):
        """The final path of the checkpoint for ``step``."""
        return self.directory / f"{self.prefix}{step}{self.suffix}"

    def save(self, state, step):
        """Write ``state`` as the checkpoint of ``step`` and return its path."""
        if not isinstance(state, dict):
            raise TypeError(
                f"a checkpoint state must be a dict, not {type(state).__name__}"
            )
        if not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be a non-negative int, not {step!r}")
        if step == 0 and not self.save_step_zero:
            return None
        final = self.path_for(step)
        if not self._writes_on_this_rank():
            return final
        if final.exists() and self.on_duplicate != "overwrite":
            if self.on_duplicate == "raise":
                raise FileExistsError(f"a checkpoint for step {step} exists: {final}")
            if self._is_readable(final):
                return final
            logger.warning("replacing unreadable checkpoint %s", final)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            state = self._stamped(state)
            with self._locked():
                self._write_atomically(final, state)
        except OSError as error:
            if self.on_save_error != "none":
                raise
            logger.error("could not save step %s to %s: %s", step, final, error)
            return None
        return final

    def _stamped(self, state):
        """``state`` as written: with the format version, when there is a version key."""
        if self.version_key is None:
            return state
        return {**state, self.version_key: self.current_version}

    def _writes_on_this_rank(self):
        """Only rank 0 writes under ``torch.distributed``; every process otherwise."""
        return _rank() == 0

    def _locked(self):
        """The lock writers share, held while a checkpoint is written and renamed."""
        path = self.directory / ".checkpoints.lock"
        if self.lock == "filelock":
            import filelock

            return filelock.FileLock(str(path), timeout=60)
        if self.lock == "own":
            return _OwnLock(path)
        return nullcontext()

    def _is_readable(self, path):
        try:
            self._load_checked(path)
        except (CheckpointError, OSError):
            return False
        return True

    def _write_atomically(self, final, state):
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp", dir=self.directory
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                self._dump(state, stream)
                stream.flush()
                os.fsync(stream.fileno())
            self._move_into_place(temp_name, final)
        except BaseException:
            try:
                os.unlink(temp_name)
            except FileNotFoundError:
                pass
            raise

    def _move_into_place(self, temp_name, final):
        """Rename the finished temp file over ``final``, in one atomic step."""
        os.replace(temp_name, final)

    def _dump(self, state, stream):
        if self.fmt == "pickle":
            pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
        elif self.fmt == "json":
            stream.write(json.dumps(state, allow_nan=True).encode("utf-8"))
        else:
            import torch

            torch.save(state, stream)

    # -- reading -----------------------------------------------------------

    def load(self, path):
        """Read the checkpoint at ``path`` and return its state dict."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no checkpoint at {path}")
        try:
            return self._load_checked(path)
        except CheckpointError as error:
            if self.on_corrupt != "none":
                raise
            logger.warning("not loading %s: %s", path, error)
            return None

    def _load_checked(self, path):
        """The state in ``path``, or ``CheckpointError`` naming it."""
        try:
            state = self._read(path)
        except Exception as error:
            raise CheckpointError(f"cannot read checkpoint {path}: {error}") from error
        if not isinstance(state, dict):
            raise CheckpointError(
                f"checkpoint {path} holds a {type(state).__name__}, not a dict"
            )
        if self.version_key is not None:
            state = self._migrated(path, state)
        for key in self.required_keys:
            if key not in state:
                raise CheckpointError(f"checkpoint {path} has no {key!r}")
            if not isinstance(state[key], REQUIRED_TYPES[key]):
                raise CheckpointError(
                    f"checkpoint {path}: {key!r} is a {type(state[key]).__name__},"
                    f" not a {REQUIRED_TYPES[key].__name__}"
                )
        return state

    def _migrated(self, path, state):
        """``state`` without its version key, upgraded to ``current_version``.

        A missing or newer version raises ``CheckpointError`` naming the path
        and the version; so does a migration that fails.
        """
        version = state.pop(self.version_key, None)
        if not isinstance(version, int) or version > self.current_version:
            raise CheckpointError(
                f"checkpoint {path} has format version {version!r};"
                f" this code reads versions up to {self.current_version}"
            )
        for older in range(version, self.current_version):
            upgrade = self.migrations.get(older)
            if upgrade is None:
                continue
            try:
                state = upgrade(state)
            except Exception as error:
                raise CheckpointError(
                    f"cannot migrate checkpoint {path} from format version {older}:"
                    f" {error}"
                ) from error
        return state

    def _read(self, path):
        if self.fmt == "pickle":
            with open(path, "rb") as stream:
                return pickle.load(stream)
        if self.fmt == "json":
            return json.loads(path.read_text(encoding="utf-8"))
        import torch

        return torch.load(path, map_location="cpu")

    def checkpoints(self):
        """``{step: path}`` of every complete checkpoint in the directory."""
        found = {}
        try:
            entries = list(os.scandir(self.directory))
        except FileNotFoundError:
            return found
        for entry in entries:
            match = self._name_pattern.match(entry.name)
            if match and entry.is_file():
                found[int(match.group(1))] = Path(entry.path)
        return found

    def _newest_first(self):
        """Paths of every checkpoint, newest first (by the ``newest_by`` order)."""
        found = self.checkpoints()
        if self.newest_by == "mtime":
            return sorted(
                found.values(), key=lambda path: path.stat().st_mtime_ns, reverse=True
            )
        return [found[step] for step in sorted(found, reverse=True)]

    def latest(self):
        """Path of the newest checkpoint (largest step, or last modified), or None."""
        found = self.checkpoints()
        if not found:
            return None
        if self.newest_by == "mtime":
            return max(found.values(), key=lambda path: path.stat().st_mtime_ns)
        return found[max(found)]

    def resume(self, source="latest"):
        """Load ``"latest"``, an explicit path, or nothing (``None``).

        Returns the loaded state, or None when there is nothing to resume.
        """
        self.resumed_from = None
        if source is None:
            if self.resume_none != "latest":
                return None
            source = "latest"
        if source == "latest" and self.on_corrupt == "fallback":
            for path in self._newest_first():
                try:
                    state = self._load_checked(path)
                except CheckpointError as error:
                    logger.warning("skipping corrupt checkpoint %s: %s", path, error)
                    continue
                self.resumed_from = path
                logger.info("resumed from %s", path)
                return state
            return None
        if source == "latest":
            path = self.latest()
            if path is None:
                return None
        else:
            path = Path(source)
            if not path.is_file():
                if self.missing_path == "none":
                    logger.warning("no checkpoint at %s; starting fresh", path)
                    return None
                raise FileNotFoundError(f"cannot resume: no checkpoint at {path}")
        state = self.load(path)
        if state is None:
            return None
        self.resumed_from = path
        logger.info("resumed from %s", path)
        return state

    def restore(self, path, model, optimizer):
        """Load the checkpoint at ``path`` into a live ``model`` and ``optimizer``.

        All or nothing: when either part does not load, both are put back as
        they were and ``CheckpointError`` names the path. Returns the state.
        """
        state = self.load(path)
        if state is None:
            raise CheckpointError(f"cannot restore from {path}: it is corrupt")
        model_before = copy.deepcopy(model.state_dict())
        optimizer_before = copy.deepcopy(optimizer.state_dict())
        try:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
        except Exception as error:
            model.load_state_dict(model_before)
            optimizer.load_state_dict(optimizer_before)
            raise CheckpointError(f"cannot restore from {path}: {error}") from error
        return state

    # -- training state (torch) ---------------------------------------------

    @staticmethod
    def training_state(model, optimizer, scheduler=None, scaler=None):
        """Everything a resumed torch run needs, as a dict ``save`` can write.

        Copies, not references: the live tensors change at the next step. The
        RNG states are the global ones a training step draws from (Python's
        ``random``, NumPy's and torch's CPU generator).
        """
        import numpy as np
        import torch

        return {
            "model": copy.deepcopy(model.state_dict()),
            "optimizer": copy.deepcopy(optimizer.state_dict()),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "scaler": None if scaler is None else scaler.state_dict(),
            "rng": {
                "python": random.getstate(),
                "numpy": np.random.get_state(),
                "torch": torch.get_rng_state(),
            },
        }

    @staticmethod
    def restore_training(state, model, optimizer, scheduler=None, scaler=None):
        """Put a ``training_state`` back into live objects and the global RNGs."""
        import numpy as np
        import torch

        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        if scaler is not None:
            scaler.load_state_dict(state["scaler"])
        random.setstate(state["rng"]["python"])
        np.random.set_state(state["rng"]["numpy"])
        torch.set_rng_state(state["rng"]["torch"])

    # -- retention ---------------------------------------------------------

    def prune(self):
        """Delete old checkpoints; return the paths deleted.

        Keeps the ``keep_last`` largest steps (by number, never by name), the
        checkpoint this run resumed from and the best one; touches nothing
        but complete checkpoints, whichever process wrote them.
        """
        found = self.checkpoints()
        if self.keep_last is None:
            return []
        keep = set(sorted(found)[-self.keep_last :] if self.keep_last > 0 else [])
        best = self._best(found)
        if best is not None:
            keep.add(best)
        protected = None if self.resumed_from is None else Path(self.resumed_from)
        deleted = []
        for step, path in sorted(found.items()):
            if step in keep or (protected is not None and _same_file(path, protected)):
                continue
            path.unlink()
            deleted.append(path)
        return deleted

    def _best(self, found):
        """The step of the best readable checkpoint, when the policy keeps one."""
        if self.keep_best not in ("lowest", "highest"):
            return None
        scored = []
        for step, path in found.items():
            try:
                state = self.load(path)
            except (CheckpointError, OSError):
                continue
            if state is None:  # corrupt, under on_corrupt="none"
                continue
            value = state.get(self.best_metric)
            if isinstance(value, (int, float)):
                scored.append((value, step))
        if not scored:
            return None
        pick = min if self.keep_best == "lowest" else max
        return pick(scored)[1]

    # -- publishing --------------------------------------------------------

    def publish(self, path, name, metadata=None, aliases=None):
        """Log the checkpoint at ``path`` as a model artifact of the tracker.

        W&B: one ``wandb.Artifact`` of ``artifact_type`` holding the file and
        the metadata, logged with the aliases. MLflow: the file logged under
        ``name``, the metadata as ``<name>/metadata.json`` and the type and
        aliases as the tags ``<name>.type`` and ``<name>.aliases``.

        Returns True when it was logged, False when there is no active run or
        the file is missing. A tracker failure is retried when it is transient
        (``publish_retries`` more attempts, waiting through ``self.sleep``),
        then returns False and logs it, or raises (``on_publish_error``).
        KeyboardInterrupt and SystemExit always propagate.
        """
        tracker = self._tracker_module()
        if tracker is None:
            logger.warning("%s is not installed; not publishing %s", self.tracker, name)
            return False
        if not self._tracker_active(tracker):
            return False
        path = Path(path)
        if not path.is_file():
            logger.warning("not publishing %s: no checkpoint at %s", name, path)
            return False
        aliases = list(self.default_aliases if aliases is None else aliases)
        metadata = dict(metadata or {})
        return self._log_or_report(
            tracker,
            name,
            lambda: self._log_artifact(tracker, path, name, metadata, aliases),
        )

    def _log_or_report(self, tracker, name, log_once):
        """Call ``log_once`` with retries; True, or a failure per ``on_publish_error``."""
        try:
            self._with_retries(tracker, log_once)
        except Exception as error:  # noqa: BLE001 - never BaseException
            if self.on_publish_error == "raise":
                raise
            logger.warning("publishing %s failed: %s", name, error)
            return False
        return True

    def _with_retries(self, tracker, attempt_once):
        """Call ``attempt_once``, retrying transient failures with backoff.

        At most ``publish_retries`` retries, each after ``self.sleep``; a
        failure that is not transient, or the last one, is raised.
        """
        for attempt in range(self.publish_retries + 1):
            try:
                return attempt_once()
            except Exception as error:  # noqa: BLE001 - never BaseException
                transient = self._is_transient(tracker, error)
                if attempt == self.publish_retries or not transient:
                    raise
                logger.info("tracker call failed (%s); retrying", error)
                self.sleep(self.retry_delay * 2**attempt)

    def _tracker_module(self):
        """The tracker's module, imported when first needed (None if absent)."""
        try:
            return importlib.import_module(self.tracker)
        except ImportError:
            return None

    def _tracker_active(self, tracker):
        if self.tracker == "mlflow":
            return tracker.active_run() is not None
        return tracker.run is not None

    def _log_artifact(self, tracker, path, name, metadata, aliases):
        if self.tracker == "mlflow":
            tracker.log_artifact(str(path), artifact_path=name)
            tracker.log_dict(metadata, f"{name}/metadata.json")
            tracker.set_tag(f"{name}.type", self.artifact_type)
            tracker.set_tag(f"{name}.aliases", ",".join(aliases))
            return
        artifact = tracker.Artifact(name, type=self.artifact_type, metadata=metadata)
        artifact.add_file(str(path))
        tracker.log_artifact(artifact, aliases=aliases)

    def _is_transient(self, tracker, error):
        """Whether ``error`` is worth another attempt (``transient_errors``)."""
        kinds = self.transient_errors
        if "connection" in kinds and isinstance(error, ConnectionError):
            return True
        if "timeout" in kinds and isinstance(error, TimeoutError):
            return True
        if "http-5xx" in kinds:
            status = getattr(getattr(error, "response", None), "status_code", None)
            if isinstance(status, int) and 500 <= status < 600:
                return True
        if "tracker-comm" in kinds:
            if self.tracker == "mlflow":
                return isinstance(error, tracker.exceptions.MlflowException)
            return isinstance(error, tracker.errors.CommError)


def _same_file(path, other):
    try:
        return path.resolve() == other.resolve()
    except OSError:
        return False


def _rank():
    """This process's rank under ``torch.distributed``, or 0 when it is not in use."""
    distributed = sys.modules.get("torch.distributed")
    if distributed is None or not distributed.is_available():
        return 0
    return distributed.get_rank() if distributed.is_initialized() else 0


class _OwnLock:
    """A lock file that exists only while held: created exclusively, removed on release."""

    def __init__(self, path, timeout=60.0):
        self.path = path
        self.timeout = timeout

    def __enter__(self):
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return self
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.path} is still locked") from None
                time.sleep(0.001)  # another writer holds it: poll again

    def __exit__(self, *exc_info):
        os.unlink(self.path)
