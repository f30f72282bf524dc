"""The launcher's log survives honcho writing to it from a signal handler (SIGTERM received while a process's
line is being written must not stop the launcher without stopping its processes)."""

import os
import signal
import threading
import time
from datetime import datetime

from honcho.printer import Message, Printer

from operations.launch import SignalSafeLog


def _line(text: str) -> Message:
    return Message(type="line", data=text, time=datetime.now(), name="worker", colour=None)


def test_lines_written_from_a_signal_handler_mid_write_raise_nothing_and_are_all_kept(tmp_path):
    path = tmp_path / "sdp.log"
    log = SignalSafeLog(path)
    printer = Printer(output=log, colour=False)
    handled = []

    def handler(signum, frame):  # what honcho's own handler does on SIGTERM
        printer.write(_line("SIGTERM received\n"))
        handled.append(signum)

    previous = signal.signal(signal.SIGUSR1, handler)
    stop = threading.Event()

    def shooter():
        while not stop.is_set():
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(0.0005)

    thread = threading.Thread(target=shooter, daemon=True)
    thread.start()
    written = 0
    try:
        while len(handled) < 300:  # the main thread keeps writing while the handler interrupts it
            printer.write(_line("x" * 500 + "\n"))
            written += 1
    finally:
        stop.set()
        thread.join()
        signal.signal(signal.SIGUSR1, previous)
        log.close()

    lines = path.read_text().splitlines()
    assert sum("SIGTERM received" in line for line in lines) == len(handled)
    assert sum("x" * 500 in line for line in lines) == written
