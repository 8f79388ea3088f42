"""Headless Chromium printing one page to PDF, started early and driven over its DevTools pipe.

    printing = PdfPrint()                      # the browser starts now, beside the caller's work
    ...                                        # (``gridmap run``: while the plan is made)
    printing.start(page_html, "report.pdf")    # hand it the page when it exists; returns at once
    printing.wait()                            # the PDF, moved into place atomically

A print spends much of its time starting the browser (the headless shell, which is looked
for first: about 0.5 CPU s of start-up, then 0.4 s to print the demo report; the whole
browser takes 1.7 and 1.0), so ``gridmap run`` starts it before the plan and hands it the
report at the end.
The browser is spoken to over ``--remote-debugging-pipe`` (file descriptors 3 and 4, NUL
terminated JSON): no port is opened, and every http(s)/ws(s) request of the page is
blocked (the page is one self-contained file). The print is Chromium's own
``Page.printToPDF`` with the parameters of its ``--print-to-pdf`` switch (A4 from the
page's ``@page`` rule, backgrounds, no header or footer): the same PDF as before.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from gridmap.errors import InputError
from gridmap.i18n import Phrase

#: Switches of every launch: headless, no GPU, no first-run work, nothing fetched in the background.
SWITCHES = ("--headless", "--no-sandbox", "--disable-gpu", "--run-all-compositor-stages-before-draw",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-default-apps", "--disable-extensions", "--disable-sync",
            "--remote-debugging-pipe")

#: ``Page.printToPDF`` parameters that ``--print-to-pdf --no-pdf-header-footer`` uses.
PRINT = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}

#: Requests the page may not make (it is one file; nothing leaves the machine).
BLOCKED = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]


def _profile_parent() -> str | None:
    """Where the browser's temporary profile goes: ``/dev/shm`` (memory) when writable, else the
    temporary folder. Chromium writes about 140 files (2.3 MB) there; removing them from a disk
    mounted with ``discard`` took 0.3-0.4 s of wall time at the end of each print."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


#: The browsers looked for on the PATH, in order. The headless shell first: Chromium's old
#: headless mode as a program of its own (Debian: chromium-headless-shell; Google's
#: chrome-headless-shell), made for printing and screenshots. It prints the same PDF
#: (pages compared as images) for about 1.0 CPU s where the whole browser takes 2.3 (the
#: demo report, 2 cores): on a small machine that CPU is taken from the run beside it.
BROWSERS = ("chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser", "google-chrome")


def find_chromium(chromium: str | None = None) -> str:
    """The browser's executable: ``chromium``, else ``GRIDMAP_CHROMIUM``, else the first of
    :data:`BROWSERS` on the PATH."""
    found = chromium or os.environ.get("GRIDMAP_CHROMIUM") or next(
        (p for p in (shutil.which(n) for n in BROWSERS) if p), None)
    if not found:
        raise InputError.of("out_chromium_missing")
    if not shutil.which(found):  # started through /bin/sh, which would only say "not found" as it ends
        raise InputError.of("out_chromium_not_executable", found=found)
    return found


class _Closed(Exception):
    """The browser closed its end of the pipe (it exited)."""


class PdfPrint:
    """Headless Chromium that prints one page to an A4 PDF, running beside the caller's other work.

    Parameters
    ----------
    chromium : the browser's executable (see :func:`find_chromium`); InputError when none.
    timeout_s : seconds the print may take from :meth:`start` (page handed over) to the PDF.

    The browser starts at construction and opens an empty tab while the caller works;
    :meth:`start` hands it the page, :meth:`wait` waits for the PDF and renames it into
    place (atomic: a temporary file beside the target until then); :meth:`cancel` stops
    the browser and leaves nothing behind. Its profile lives in a temporary folder of its
    own, removed at the end.
    """

    def __init__(self, chromium: str | None = None, *, timeout_s: float = 120.0):
        self.browser = find_chromium(chromium)
        self.timeout_s = timeout_s
        self.path: Path | None = None
        self.target: Path | None = None
        self.page: Path | None = None
        self.error: BaseException | None = None
        self.printed = False
        self.deadline = None
        self._handed = threading.Event()
        self._cancelled = False
        self._next_id = 0
        self._buffer = b""
        self._events: list = []
        self.tmp = Path(tempfile.mkdtemp(prefix="gridmap-pdf-", dir=_profile_parent()))
        self.stderr = open(self.tmp / "stderr.txt", "wb")  # a file, not a pipe: Chromium never blocks on it
        to_browser, self._in = os.pipe()   # we write commands, Chromium reads them on its fd 3
        self._out, from_browser = os.pipe()  # Chromium writes replies and events on its fd 4
        try:
            # /bin/sh puts the pipe ends on fds 3 and 4 (subprocess can place only 0-2) and execs the browser
            self.process = subprocess.Popen(
                ["/bin/sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null', self.browser, *SWITCHES,
                 f"--user-data-dir={self.tmp / 'profile'}", "about:blank"],
                stdin=to_browser, stdout=from_browser, stderr=self.stderr,
                start_new_session=True)  # its own process group: its helpers are stopped with it
        except OSError as exc:
            self._clean()
            raise InputError.of("out_chromium_failed", browser=self.browser, reason=str(exc)) from exc
        finally:
            os.close(to_browser)
            os.close(from_browser)
        self._thread = threading.Thread(target=self._serve, name="gridmap-pdf", daemon=True)
        self._thread.start()

    # -- the caller's side
    def start(self, page, path) -> "PdfPrint":
        """Print ``page`` (an HTML file) to ``path``; returns at once."""
        self.path = Path(path)
        self.page = Path(page).resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, target = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        os.unlink(target)
        self.target = Path(target)
        self.deadline = time.monotonic() + self.timeout_s
        self._handed.set()
        return self

    def wait(self) -> Path:
        """Wait for the PDF and move it into place; InputError when Chromium wrote none."""
        if self.path is None:
            raise RuntimeError("PdfPrint.wait() before start()")
        try:
            self._thread.join(timeout=max(self.deadline - time.monotonic(), 0.0))
            if self._thread.is_alive():
                self._kill()
                self._thread.join()
                raise InputError.of("out_chromium_timeout", browser=self.browser, seconds=self.timeout_s)
            # printed: nothing of the browser is needed any more (it only wrote its profile, removed below)
            code = self._kill() if self.printed else self._reap()
            if self.error is not None or not self.target.exists() or self.target.stat().st_size == 0:
                if self.error is not None and not isinstance(self.error, _Closed):
                    exit_, said = "", [str(self.error)]  # the browser refused a command
                else:  # the browser ended: its exit code and last words
                    self.stderr.close()
                    said = (self.tmp / "stderr.txt").read_bytes().decode("utf-8", "replace").strip().splitlines()
                    exit_ = Phrase("phrase.out_chromium_exit", code=code)
                raise InputError.of("out_chromium_no_pdf", browser=self.browser, exit=exit_,
                                    said=Phrase("phrase.out_chromium_said", said=said[-1]) if said else "")
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.target, 0o666 & ~umask)
            os.replace(self.target, self.path)
            return self.path
        finally:
            self._clean()

    def cancel(self) -> None:
        """Stop Chromium (when still running) and remove what it wrote."""
        self._cancelled = True
        self._kill()
        self._handed.set()
        self._thread.join()
        self._clean()

    def __enter__(self) -> "PdfPrint":
        return self

    def __exit__(self, *exc) -> None:
        """Leaving the block without :meth:`wait` (an error before the page was ready): stop the browser."""
        if self.process.poll() is None or self.tmp.exists():
            self.cancel()

    # -- the browser's side (the thread)
    def _serve(self):
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable", session=session)
            self._call("Network.enable", session=session)
            self._call("Network.setBlockedURLs", {"urls": BLOCKED}, session=session)
            self._handed.wait()
            if self._cancelled:
                return
            self._call("Page.navigate", {"url": self.page.as_uri()}, session=session)
            self._event("Page.loadEventFired", session)
            self._call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                            "awaitPromise": True}, session=session)
            pdf = self._call("Page.printToPDF", PRINT, session=session)
            self.target.write_bytes(base64.b64decode(pdf["data"]))
            # no Browser.close: wait() stops the browser at once (its orderly shutdown took 0.15-0.2 s)
            self.printed = True
        except BaseException as exc:  # told by wait(); the browser is stopped there
            self.error = exc

    def _send(self, message: dict):
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._in, data):]
        except OSError as exc:  # EPIPE: the browser is gone
            raise _Closed(str(exc)) from None

    def _receive(self) -> dict:
        while b"\0" not in self._buffer:
            if self._cancelled:
                raise _Closed("cancelled")
            ready, _, _ = select.select([self._out], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(self._out, 1 << 20)
            if not chunk:
                raise _Closed("the browser closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _event(self, method: str, session: str) -> dict:
        while True:
            for k, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(k)
            self._events.append(self._receive())

    # -- ending
    def _kill(self) -> int:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._end_helpers()
        return self.process.returncode

    def _end_helpers(self):
        """Stop what the browser left running in its process group (zygote, renderer, crash
        handler), which would otherwise write into the profile folder as it is removed."""
        import signal

        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _reap(self) -> int:
        """The browser's exit code, once it has closed (killed when it does not within 10 s)."""
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._kill()
            return self.process.returncode
        self._end_helpers()
        return code

    def _clean(self):
        if getattr(self, "process", None) is not None:
            self._kill()
        for fd in ("_in", "_out"):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        if not self.stderr.closed:
            self.stderr.close()
        if self.target is not None:
            self.target.unlink(missing_ok=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
