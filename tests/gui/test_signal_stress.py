"""PySide6 6.12.0 on Python 3.11 crashed after ~550 signal emissions (shared/DESIGN.md).

The app emits signals from worker threads all day; this fails CI, not users, if a
PySide6 release brings that reference-count bug back.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

EMISSIONS = 5_000


class _Emitter(QObject):
    happened = Signal(object)
    flag = Signal(bool)


def test_thousands_of_signals_from_a_worker_thread(qtbot: QtBot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    flags: list[bool] = []
    emitter.happened.connect(received.append)
    emitter.flag.connect(flags.append)

    def work() -> None:
        for number in range(EMISSIONS):
            emitter.happened.emit(("row", number))
            emitter.flag.emit(number % 2 == 0)

    worker = threading.Thread(target=work)
    worker.start()
    qtbot.waitUntil(lambda: len(received) == EMISSIONS and len(flags) == EMISSIONS, timeout=30_000)
    worker.join()
    assert received[-1] == ("row", EMISSIONS - 1)
    assert flags[:2] == [True, False]
