"""`python -m bot ARGS` as a real process of its own, forked from one that has already imported the bot.

Starting Python and importing the bot costs more than most `sangkien` commands do (1.3 s of 1.5 s on two cores),
and the CLI tests start it about 150 times. Each test process therefore starts one "zygote" that imports
`bot.cli` (and the libraries its commands load, such as openpyxl) and waits; every call forks a child from it. The child is what `python -m bot ARGS` would be: its own
process, stdin, stdout and stderr, environment, working folder and exit code, a traceback printed on its stderr
and signals delivered to it. Only the imports were done before the arguments were read, as a preloading server
(Spring, a forkserver) does; nothing in the bot reads the environment at import time.

What Python reads at start-up (PYTHON*, LANG, LC_*) cannot change after it started, so each different set of those
gets a zygote of its own. Tests that check start-up itself (tests/test_startup_imports.py) start Python for real.
"""

from __future__ import annotations

import atexit
import gc
import locale
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from select import select

ROOT = Path(__file__).resolve().parents[1]
_STARTUP = ("PYTHON", "LANG", "LC_")  # read when the interpreter starts


@dataclass(frozen=True)
class _Request:
    args: tuple[str, ...]
    env: dict[str, str]
    cwd: str


class Child:
    """A forked `python -m bot`, as much of subprocess.Popen as the tests use."""

    def __init__(self, args: list[str], pid: int, status, stdin) -> None:
        self.args = args
        self.pid = pid
        self.stdin = stdin
        self.returncode: int | None = None
        self._status = status  # the waiter writes the exit code here when the child ends

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select([self._status], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self.returncode = int(self._status.readline())
            self._status.close()
        return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # an ended child's pid may already be another process's
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def start(args, env: dict[str, str], *, cwd=None, stdin=None, stdout=None, stderr=None) -> Child:
    """Start `python -m bot ARGS`. stdin/stdout/stderr: a file descriptor, subprocess.PIPE (stdin only) or None
    for /dev/null."""
    args = [str(a) for a in args]
    pipe = None
    with open(os.devnull, "rb+") as null:
        if stdin == subprocess.PIPE:
            reading, writing = os.pipe()
            pipe = open(writing, "w", encoding=locale.getpreferredencoding(False))  # as subprocess's text mode
            stdin_fd = reading
        else:
            stdin_fd = null.fileno() if stdin is None else stdin
        status_r, status_w = os.pipe()
        try:
            fds = [stdin_fd, null.fileno() if stdout is None else stdout, null.fileno() if stderr is None else stderr,
                   status_w]
            request = _Request(tuple(args), dict(env), str(cwd or os.getcwd()))
            socket.send_fds(_zygote(env), [pickle.dumps(request)], fds)
        finally:
            os.close(status_w)
            if pipe is not None:
                os.close(stdin_fd)
    status = open(status_r, encoding="ascii")
    pid = int(status.readline())
    return Child([sys.executable, "-m", "bot", *args], pid, status, pipe)


def run(args, env: dict[str, str], *, cwd=None, input: str | None = None, timeout: float = 60):
    """subprocess.run([python, -m, bot, *args], env=env, cwd=cwd, input=input, capture_output=True, text=True)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = start(args, env, cwd=cwd, stdin=subprocess.PIPE, stdout=out.fileno(), stderr=err.fileno())
        feeding = threading.Thread(target=_feed, args=(child.stdin, input or ""), daemon=True)
        feeding.start()
        try:
            code = child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        finally:
            feeding.join(timeout=5)
        return subprocess.CompletedProcess(child.args, code, _text(out), _text(err))


def _feed(pipe, text: str) -> None:
    try:
        pipe.write(text)
        pipe.close()
    except BrokenPipeError:  # the child stopped reading, as a real one may
        pass


def _text(file) -> str:
    """Read back as subprocess's text mode reads a pipe: the locale's encoding, universal newlines."""
    file.seek(0)
    return file.read().decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


_zygotes: dict[tuple, socket.socket] = {}
_starting = threading.Lock()  # calls from several threads at once start one zygote, not one each


def _zygote(env: dict[str, str]) -> socket.socket:
    key = tuple(sorted((k, v) for k, v in env.items() if k.startswith(_STARTUP)))
    with _starting:
        return _zygotes[key] if key in _zygotes else _start_zygote(key)


def _start_zygote(key: tuple) -> socket.socket:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    base = {k: v for k, v in os.environ.items() if not k.startswith(_STARTUP)}
    process = subprocess.Popen([sys.executable, "-c", f"from tests.forked import serve; serve({theirs.fileno()})"],
                               cwd=ROOT, env={**base, **dict(key)}, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
    theirs.close()
    atexit.register(_stop, ours, process)
    _zygotes[key] = ours
    return ours


def _stop(sock: socket.socket, process: subprocess.Popen) -> None:
    sock.close()  # the zygote reads the end and leaves
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def serve(socket_fd: int) -> None:
    """The zygote: import what `python -m bot` imports, then fork a child for each request until the socket closes."""
    import runpy  # noqa: F401  (imported before the fork, used in the child)

    import bot.channels.console  # noqa: F401  (sangkien chat)
    import bot.cli  # noqa: F401
    import bot.posters  # noqa: F401  (sangkien qr)
    import documents.spreadsheets  # noqa: F401  (sangkien export, report)

    gc.freeze()  # what is imported stays out of the children's collections: their exit takes 0.08 s, not 0.5 s
    sock = socket.socket(fileno=socket_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the waiters are reaped by the kernel
    while True:
        message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 4)
        if not message:
            return
        if os.fork() == 0:
            sock.close()
            _wait_for(pickle.loads(message), fds)
        for fd in fds:
            os.close(fd)


def _wait_for(request: _Request, fds: list[int]) -> None:
    """The waiter: fork the child, tell the test its pid, then its exit code (as subprocess gives it)."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    *stdio, status_fd = fds
    pid = os.fork()
    if pid == 0:
        os.close(status_fd)
        _become(request, stdio)
    for fd in stdio:
        os.close(fd)
    try:
        os.write(status_fd, f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(status_fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
    except BrokenPipeError:  # the test process is gone: nobody to tell
        pass
    os._exit(0)


def _become(request: _Request, stdio: list[int]) -> None:
    """Turn this fork into `python -m bot ARGS` and end as it ends (SystemExit or a traceback, exit code 1)."""
    import runpy
    import time

    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
    for fd in set(stdio) - {0, 1, 2}:
        os.close(fd)
    os.chdir(request.cwd)
    os.environ.clear()
    os.environ.update(request.env)
    time.tzset()
    tempfile.tempdir = None
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.argv = [str(ROOT / "bot" / "__main__.py"), *request.args]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
    sys.exit(0)
