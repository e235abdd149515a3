"""How fast the PDF preview shows a document, offscreen.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_preview.py [--pages N]
[--repeat N] [--print-dpi N]``

Prints, on a fresh SQLite file with the demo data:
- a start notice: preview opened → first page on screen (build + open + render), median;
- a record of about N pages (default 50, made long with implementation steps):
  first page on screen; every page on screen when paged through one after another
  (go to page k, wait until it is drawn); all thumbnails; pdfium alone rendering every
  page at the same zoom; how many page bitmaps the preview holds at the end;
- printing that record to a PDF printer at the given resolution.

Targets: first page under 0.5 s for a notice, under 2 s for the 50-page record
(most of which is building the PDF); paging through stays under 50 ms a page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_documents import STEPS_PER_PAGE, _add_steps  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desk.admin.demo import add_demo_data
from desk.bootstrap import open_database  # noqa: E402
from desk.process import people
from desk.read import documents
from desk.read.tickets import get_ticket
from models import Status  # noqa: E402
from ui.document_menu import TicketRef  # noqa: E402
from ui.documents.pdf import PdfPages, print_pdf  # noqa: E402
from ui.documents.preview import PdfPreviewDialog  # noqa: E402


def wait_for(signal: object, timeout_ms: int = 120_000, check: object = None) -> list[object]:
    """Run the event loop until ``signal`` fires (and ``check(*args)`` holds)."""
    loop = QEventLoop()
    got: list[object] = []

    def fired(*args: object) -> None:
        if check is None or check(*args):  # type: ignore[operator]
            got[:] = list(args)
            loop.quit()

    signal.connect(fired)  # type: ignore[attr-defined]
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    loop.exec()
    signal.disconnect(fired)  # type: ignore[attr-defined]
    if not timer.isActive():
        raise TimeoutError(f"no signal within {timeout_ms} ms")
    return got


def open_and_wait(db: object, kind: str, ref: TicketRef,
                  person: object) -> tuple[PdfPreviewDialog, float]:
    start = time.perf_counter()
    dialog = PdfPreviewDialog(db, kind, ref, person)  # type: ignore[arg-type]
    dialog.show()
    wait_for(dialog.pages_ready)
    return dialog, time.perf_counter() - start


def close(dialog: PdfPreviewDialog) -> None:
    dialog.close()
    QApplication.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50, help="pages of the long record")
    parser.add_argument("--repeat", type=int, default=5, help="runs for the notice (median)")
    parser.add_argument("--print-dpi", type=int, default=300, help="printer resolution")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{folder}/bench.sqlite3")
        try:
            numbers = add_demo_data(db)
            person = people.get_person(db, people.person_id(db, "LEAD01"))
            documents.render(db, "start-notice", numbers[0])  # fonts load once per process

            dispatched = get_ticket(db, numbers[6])
            ref = TicketRef(dispatched.id, dispatched.number, Status(dispatched.status))
            times = []
            for _ in range(args.repeat):
                dialog, seconds = open_and_wait(db, "start-notice", ref, person)
                times.append(seconds * 1000)
                close(dialog)
            rows.append(("启动通知：打开预览 → 第一页可见（中位数）",
                         f"{statistics.median(times):.0f} ms", "< 500 ms"))

            long_number = numbers[3]
            _add_steps(db, long_number, args.pages * STEPS_PER_PAGE)
            detail = get_ticket(db, long_number)
            ref = TicketRef(detail.id, detail.number, Status(detail.status))
            dialog, first_s = open_and_wait(db, "record", ref, person)
            build_ms = []
            for _ in range(3):
                build_start = time.perf_counter()
                data = documents.render(db, "record", long_number)
                build_ms.append((time.perf_counter() - build_start) * 1000)
            build_s = statistics.median(build_ms) / 1000
            count = dialog.page_count()
            rows.append((f"记录表（{count} 页）：打开预览 → 第一页可见", f"{first_s * 1000:.0f} ms",
                         "< 2 s"))
            rows.append(("　其中生成 PDF（读取 + 排版，另测中位数）", f"{build_s * 1000:.0f} ms", ""))

            start = time.perf_counter()
            slowest = 0.0
            for page in range(2, count + 1):
                t0 = time.perf_counter()
                if page - 1 not in dialog._pixmaps:
                    dialog.go_to_page(page)
                    if page - 1 not in dialog._pixmaps:
                        wait_for(dialog.page_rendered, check=lambda i, p=page: i == p - 1)
                else:
                    dialog.go_to_page(page)
                slowest = max(slowest, time.perf_counter() - t0)
            paged_s = time.perf_counter() - start
            rows.append((f"　逐页翻到最后一页（{count - 1} 次翻页）", f"{paged_s * 1000:.0f} ms",
                         f"{paged_s / max(1, count - 1) * 1000:.1f} ms/页"))
            rows.append(("　最慢的一次翻页", f"{slowest * 1000:.0f} ms", "< 50 ms"))
            start = time.perf_counter()
            if dialog.thumbs.missing():
                wait_for(dialog.thumbnails_ready)
            rows.append(("　剩余缩略图全部生成", f"{(time.perf_counter() - start) * 1000:.0f} ms",
                         ""))
            rows.append(("　预览最后持有的页面位图", f"{len(dialog._pixmaps)} 页",
                         f"共 {count} 页"))
            zoom_scale = dialog._px_per_point() * dialog.devicePixelRatioF()
            zoom_text = f"{round(dialog.zoom * 100)}%"
            close(dialog)

            pages = PdfPages(data)
            start = time.perf_counter()
            for i in range(len(pages)):
                pages.render(i, zoom_scale)
            raw_s = time.perf_counter() - start
            pages.close()
            rows.append((f"　pdfium 单独渲染全部 {count} 页（{zoom_text}）",
                         f"{raw_s * 1000:.0f} ms", f"{raw_s / count * 1000:.1f} ms/页"))

            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(Path(folder) / "printed.pdf"))
            printer.setResolution(args.print_dpi)
            printer.setFullPage(True)
            start = time.perf_counter()
            printed = print_pdf(data, printer)
            print_s = time.perf_counter() - start
            size_mb = (Path(folder) / "printed.pdf").stat().st_size / 1e6
            rows.append((f"打印记录表 {printed} 页到 PDF 打印机（{args.print_dpi} dpi）",
                         f"{print_s:.1f} s", f"{print_s / printed * 1000:.0f} ms/页，"
                         f"{size_mb:.0f} MB"))
        finally:
            db.dispose()
    del app

    width = max(len(r[0]) for r in rows) + 4
    print(f"{'预览 preview':<{width}}{'时间 time':>12}  目标/备注 target/note")
    for name, value, note in rows:
        print(f"{name:<{width}}{value:>12}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
