"""Saves and loads one sample through the drafted adapter, and says what happened.

``answer(request)`` takes the adapter's source as the generator drafted it
from the answers so far, writes it to a temporary folder, imports it (which
imports the user's module, as the suite will), builds the manager on an empty
checkpoint folder there, saves ``make_state(7)`` and loads it back. Then it
reads the file the save wrote, raw, cuts it to half its bytes and loads it
again, and reports:

answer:  {"error": null | "one line: what failed, where",
          "files": ["ckpt_7.pt"], "format": "pickle" | "json" | "torch" | null,
          "stored_keys": [...], "suite_keys": [...],
          "corrupt_errors": ["pkg.module.CorruptError", "pkg.module.CheckpointError",
                             "ValueError"]}

``corrupt_errors`` is the class of what the load of the cut file raised and
its bases, as import paths (a builtin by its name), whether or not the first
load worked; empty when it returned, or when the save wrote no file.

It runs in its temporary folder (a relative path in the user's code lands
there too) and removes it.
"""

import importlib.util
import json
import os
import pickle
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

SAMPLE_STEP = 7


def file_format(path):
    """The serialization format of the file at ``path``, by its first bytes."""
    with open(path, "rb") as file:
        head = file.read(4)
    if zipfile.is_zipfile(path):
        return "torch"
    if head[:1] == b"\x80":
        return "pickle"
    if head.lstrip()[:1] in (b"{", b"["):
        return "json"
    return None


def read_raw(path, kind):
    """What the file at ``path`` holds, read with the format's own library."""
    if kind == "torch":
        import torch

        return torch.load(path, map_location="cpu")
    if kind == "pickle":
        with open(path, "rb") as file:
            return pickle.load(file)
    if kind == "json":
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    return None


def import_path(cls):
    """``module.Name`` of a class, or its bare name for a builtin.

    None for a class that path would not import (one made in a function, or
    nested in another class): an answer must name something importable.
    """
    if cls.__module__ == "builtins":
        return cls.__qualname__
    if getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is not cls:
        return None
    return f"{cls.__module__}.{cls.__qualname__}"


def raised_classes(error):
    """The class of ``error``, then its bases, as import paths.

    Classes no path imports are left out, and so are ``Exception`` and the
    classes above it, which every error shares.
    """
    classes = type(error).__mro__
    paths = (import_path(cls) for cls in classes[: classes.index(Exception)])
    return [path for path in paths if path is not None]


def corrupt_load_errors(adapter, path):
    """What loading ``path`` raises once it is cut to half its bytes, and its bases.

    A truncated file is the commonest damage (a crash or a full disk during
    the write); the classes it raises are what the suite's corruption cases
    may expect. Empty when the load returns, or exits.
    """
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    try:
        adapter.load(path)
    except Exception as error:  # noqa: BLE001 - the class raised is the answer
        return raised_classes(error)
    except BaseException:  # noqa: BLE001 - a load that exits says nothing of its errors
        return []
    return []


def describe(error):
    """``Type: first line of the message``, cut to one short line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


def answer(request):
    for path in reversed(request.get("paths", [])):
        if path not in sys.path:
            sys.path.insert(0, path)
    found = {
        "error": None,
        "files": [],
        "format": None,
        "stored_keys": [],
        "suite_keys": [],
        "corrupt_errors": [],
    }
    scratch = Path(tempfile.mkdtemp(prefix="checkpoint-tests-probe-"))
    # A relative path in the user's code (a constructor's "runs") lands here too.
    previous_cwd = os.getcwd()
    os.chdir(scratch)
    try:
        adapter_file = scratch / "probe_adapter.py"
        adapter_file.write_text(request["adapter"], encoding="utf-8")
        spec = importlib.util.spec_from_file_location(
            "_checkpoint_tests_probe_adapter", adapter_file
        )
        adapter_module = importlib.util.module_from_spec(spec)
        step = "importing the drafted adapter"
        adapter = path = None
        try:
            spec.loader.exec_module(adapter_module)
            state = adapter_module.make_state(SAMPLE_STEP, size=64)
            found["suite_keys"] = sorted(map(str, state))
            folder = scratch / "checkpoints"
            step = "building the manager"
            adapter = adapter_module.CheckpointAdapter(folder)
            step = f"saving a sample state as step {SAMPLE_STEP}"
            path = adapter.save(state, SAMPLE_STEP)
            # The folder was empty: whatever it holds now, the save wrote.
            found["files"] = sorted(os.listdir(folder)) if folder.is_dir() else []
            if path is not None and Path(path).is_file():
                kind = file_format(path)
                found["format"] = kind
                step = f"reading {Path(path).name} as a {kind} file"
                raw = read_raw(path, kind)
                if isinstance(raw, dict):
                    found["stored_keys"] = sorted(map(str, raw))
                step = f"loading {Path(path).name} back"
                adapter.load(path)
        except BaseException as error:  # noqa: BLE001 - what failed is the answer
            found["error"] = f"{step}: {describe(error)}"
        # Also after a failed load back (keys the draft does not rename yet): a
        # cut file fails in the user's load before anything of the adapter's.
        if path is not None and Path(path).is_file():
            found["corrupt_errors"] = corrupt_load_errors(adapter, Path(path))
    finally:
        os.chdir(previous_cwd)
        shutil.rmtree(scratch, ignore_errors=True)
    return found
