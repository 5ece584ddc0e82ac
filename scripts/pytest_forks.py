"""Runs pytest many times for the zoo and corpus harnesses, each run in a fresh fork.

The interpreter imports the modules named on its command line once (pytest,
hypothesis, torch for a torch suite); every run then forks from it, so a run pays neither the interpreter's start
nor those imports, and still starts from the same clean state as
``python -m pytest`` in its own process: nothing of one run (its suite's
modules, the code under test, Hypothesis's state) is seen by the next.

Requests come one a line on stdin, as JSON: ``{"cwd", "args", "env", "out",
"err", "timeout"}``. The run's stdout goes to the file ``out``, its stderr to
``err``; the answer is
one line on stdout, ``{"code": N}``: pytest's exit code, or -9 when the run
outlived ``timeout`` seconds (its process group is killed). Before the first
request the server says ``{"ready": true}`` once its imports are done.

Each run gets a temporary folder of its own as TMPDIR, removed when it ends: a
run ends with ``os._exit`` (no exit handler of the server's may run in it), so
what its code left in the temporary folder (multiprocessing's ``pymp-*``
folders, a ``tempfile.mkdtemp`` never removed) would otherwise stay there.
"""

import gc
import importlib
import importlib.util
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import types

for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
# What the imports made is kept out of the collector's sight: a forked run shares those pages with
# the server until it writes to them, and a collection writes to every object it looks at (copying
# each page, the larger part of a run's system time once torch is imported).
gc.collect()
gc.freeze()


def run_in_child(request, scratch):
    """The forked child: becomes ``python -m pytest <args>`` run in ``cwd``, with TMPDIR ``scratch``."""
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.update(request["env"])
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    # As ``python -m pytest`` has it: the working folder first on sys.path, and pytest's
    # ``__main__`` as the main module, which multiprocessing's spawn and forkserver look at (they
    # would otherwise import this server in every process the run starts).
    sys.path[0] = request["cwd"]
    # And PYTHONPATH's folders next, as a new interpreter would read them from the run's env.
    extra = [
        folder
        for folder in request["env"].get("PYTHONPATH", "").split(os.pathsep)
        if folder
    ]
    sys.path[1:1] = extra
    main = types.ModuleType("__main__")
    main.__spec__ = importlib.util.find_spec("pytest.__main__")
    main.__file__ = main.__spec__.origin
    sys.modules["__main__"] = main
    sys.argv = [main.__file__, *request["args"]]
    # No read of stdin by the run (or a process it starts) may take the next request.
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    for stream, name in ((1, "out"), (2, "err")):
        file = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(file, stream)
        os.close(file)
    code = 3
    try:
        import pytest

        code = int(pytest.main(request["args"]))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def wait(pid, timeout):
    """The child's exit code, or -9 after killing its group when it outlives ``timeout``.

    Woken by the child's end through a pidfd where there is one (Linux), else
    by polling every 20 ms.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    deadline = time.monotonic() + timeout
    if pidfd is not None:
        try:
            select.select([pidfd], [], [], timeout)
        finally:
            os.close(pidfd)
        deadline = time.monotonic()  # ended or timed out: the check below tells which
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return -9
        time.sleep(0.02)


def serve():
    """Answers each request on stdin in turn, until its end (or the harness's)."""
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        scratch = tempfile.mkdtemp(prefix="checkpoint-pytest-run-")
        pid = os.fork()
        if pid == 0:
            run_in_child(request, scratch)
        try:
            code = wait(pid, request.get("timeout", 600))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        try:
            print(json.dumps({"code": code}), flush=True)
        except BrokenPipeError:
            return


# Told once the imports are done: a harness may wait for it off its tests' clocks.
print(json.dumps({"ready": True}), flush=True)
serve()
