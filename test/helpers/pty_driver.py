"""Drives a command in a pseudo-terminal, the way a person at a keyboard would.

Reads one JSON request on stdin:

    {
      "command": ["node", "bin/checkpoint-tests.js", "--skip-checks"],
      "cwd": "/tmp/project",            # optional
      "env": {"TERM": "xterm"},         # optional: the whole environment
      "columns": 120, "rows": 40,       # optional: the terminal size
      "timeout": 30,                    # optional: seconds per step and for the exit
      "abort_on": "^> ",                # optional: output that means the run went wrong
      "steps": [
        {"expect": "Which Python module", "send": "my_pkg.mod\\r"},
        {"expect": "pytest collected \\\\d+ tests", "timeout": 90}
      ]
    }

Each step waits until its regular expression matches the terminal output
(ANSI escapes removed) after the end of the previous step's match, then
writes its keystrokes. Nothing is sent on a timer: every keystroke waits for
the output it answers. When `abort_on` matches output after that point before
the step's own pattern does, the driver stops there and says so. After the
last step the driver waits for the command to exit, then prints one JSON
object on stdout:

    {"exit_code": 0, "signal": null, "error": null, "failed_step": null,
     "matches": [...], "transcript": "<raw bytes as text>", "text": "<escapes removed>"}

On a step that times out, `error` says which one, the command is killed and
the transcript so far is still reported. Standard library only.
"""

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erases
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, links
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x1b[^A-Za-z]*$"  # an escape cut off at the end of what was read so far
)


def plain(raw):
    """The terminal output as text a person reads: no escapes, no carriage returns."""
    return ESCAPES.sub("", raw.decode("utf-8", errors="replace")).replace("\r", "")


def spawn(command, cwd, env, columns, rows):
    pid, master = pty.fork()
    if pid == 0:  # the child: the pty is its terminal on stdin, stdout and stderr
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            if cwd:
                os.chdir(cwd)
            os.execvpe(command[0], command, env)
        except BaseException as error:  # exec failed: say why on the terminal
            os.write(2, f"pty_driver: cannot run {command[0]}: {error}\n".encode())
        finally:
            os._exit(127)
    return pid, master


def read_some(master, buffer, wait):
    """Reads what the command wrote within `wait` seconds; False once the terminal closed."""
    ready, _, _ = select.select([master], [], [], max(wait, 0))
    if not ready:
        return True
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every process holding the terminal has exited
        return False
    if not chunk:
        return False
    buffer.extend(chunk)
    return True


def kill(pid):
    """Kills the command and whatever it started: pty.fork made it a session (and group) leader."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reap(pid, deadline):
    """Waits for the command until `deadline`; kills it when it is still running."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, False
        if time.monotonic() >= deadline:
            kill(pid)
            _, status = os.waitpid(pid, 0)
            return status, True
        select.select([], [], [], 0.05)


def main():
    request = json.load(sys.stdin)
    command = request["command"]
    env = dict(request.get("env") or os.environ)
    env.setdefault("TERM", "xterm-256color")
    default_timeout = float(request.get("timeout", 30))
    abort_on = (
        re.compile(request["abort_on"], re.M) if request.get("abort_on") else None
    )
    pid, master = spawn(
        command,
        request.get("cwd"),
        env,
        int(request.get("columns", 120)),
        int(request.get("rows", 40)),
    )

    buffer = bytearray()
    position = 0
    open_ = True
    error = None
    failed_step = None
    matches = []
    for index, step in enumerate(request.get("steps", [])):
        pattern = re.compile(step["expect"])
        deadline = time.monotonic() + float(step.get("timeout", default_timeout))
        while True:
            text = plain(buffer)
            found = pattern.search(text, position)
            if found:
                position = found.end()
                matches.append(
                    {"step": index, "expect": step["expect"], "match": found.group(0)}
                )
                break
            wrong = abort_on.search(text, position) if abort_on else None
            if wrong:
                line = text[wrong.start() :].split("\n", 1)[0]
                error = f"at step {index}, waiting for /{step['expect']}/, the output showed /{abort_on.pattern}/: {line}"
                break
            if not open_:
                error = f"the command exited before step {index} saw /{step['expect']}/"
                break
            left = deadline - time.monotonic()
            if left <= 0:
                error = f"timed out after {step.get('timeout', default_timeout)}s at step {index} waiting for /{step['expect']}/"
                break
            open_ = read_some(master, buffer, min(left, 1.0))
        if error:
            failed_step = index
            break
        keys = step.get("send")
        if keys:
            try:
                os.write(master, keys.encode("utf-8"))
            except OSError as problem:  # the terminal is closed: the command is gone
                error = f"cannot send the keys of step {index}: {problem}"
                failed_step = index
                break

    if error:
        kill(pid)
    # Read to the end: the command's last words, then its exit status.
    deadline = time.monotonic() + default_timeout
    while open_ and time.monotonic() < deadline:
        open_ = read_some(master, buffer, min(deadline - time.monotonic(), 1.0))
    status, killed = reap(pid, deadline)
    if killed and not error:
        error = (
            f"the command did not exit within {default_timeout}s after the last step"
        )
    os.close(master)

    json.dump(
        {
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "error": error,
            "failed_step": failed_step,
            "matches": matches,
            "transcript": buffer.decode("utf-8", errors="replace"),
            "text": plain(buffer),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
