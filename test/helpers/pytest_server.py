"""A pytest runner for the test harness: imports pytest (and, when asked,
torch and hypothesis) once, then runs each request in a forked child.

Each request is one JSON line on stdin: {"id", "cwd", "args", "env",
"timeout"}. The child changes to `cwd`, puts it first on sys.path (as
`python -m pytest` does), writes its output to a file and calls
`pytest.main(args)`; the parent answers one JSON line {"id", "code",
"output"}. A fresh child for each run means no test module, conftest or
user package carries over from one run to the next: only the libraries
imported here before the fork are shared, which is what saves the seconds
(torch alone takes one to several to import).

Standard library and pytest only; started by test/helpers/pytest-server.ts.
"""

import importlib
import json
import os
import signal
import sys
import tempfile
import time


def preload(modules):
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            # The run that needs it will import it itself (and fail as it would alone).
            pass


def run_child(request, output_path):
    """In the forked child: run pytest as `python -m pytest` would in `cwd`."""
    fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cwd = request["cwd"]
    os.chdir(cwd)
    os.environ.update(request.get("env") or {})
    sys.dont_write_bytecode = os.environ.get("PYTHONDONTWRITEBYTECODE") == "1"
    sys.path.insert(0, cwd)
    sys.argv = [sys.executable, "-m", "pytest", *request["args"]]
    code = 3
    try:
        import pytest

        code = int(pytest.main(list(request["args"])))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException as error:  # report it as the child's output, never hang
        print(f"pytest_server: {type(error).__name__}: {error}", file=sys.stderr)
        code = 3
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def wait_child(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), False
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return None, True
        time.sleep(0.01)


def main():
    preload(sys.argv[1:])
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        handle, output_path = tempfile.mkstemp(prefix="pytest-server-")
        os.close(handle)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            run_child(request, output_path)
        code, timed_out = wait_child(pid, float(request.get("timeout", 600)))
        with open(output_path, encoding="utf-8", errors="replace") as output:
            text = output.read()
        os.unlink(output_path)
        if timed_out:
            text += f"\npytest_server: timed out after {request.get('timeout')} s\n"
        answer = {"id": request["id"], "code": code, "output": text}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
