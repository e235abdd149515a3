"""The Qt binding Desk runs on keeps its references: a window emits signals and calls
void methods all day, and a binding that drops references to True/False/None (PySide6
6.12.0 on Python 3.11) aborts the process after a few hundred of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel

    class Sender(QObject):
        sig = Signal(int)

    app = QApplication([])
    sender = Sender()
    sender.sig.connect(lambda i: None)
    label = QLabel()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(5000):
        sender.sig.emit(i)
        label.setText(str(i))
    after = sys.getrefcount(True), sys.getrefcount(None)
    print(before[0] - after[0], before[1] - after[1])
""")


def test_signals_and_void_calls_do_not_wear_down_true_and_none() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                              "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    lost_true, lost_none = (int(x) for x in result.stdout.split())
    assert lost_true < 50 and lost_none < 50, result.stdout
