"""The documents in the window: the PDF preview, printing and batch export.

Owns everything between ``desk.read.documents`` (PDF bytes from a ticket) and the screen:

- ``pdf``: ``PdfPages`` (pdfium, one lock for the process) and ``print_pdf``;
- ``preview``: ``PdfPreviewDialog``, its thumbnails and ``build_document``;
- ``notice``: ``IssueNoticeDialog``, who a start or completion notice goes to;
- ``batch``: ``BatchExportDialog`` and its worker.

The 文档 menu that opens them is ``ui.document_menu``, which imports these modules
only when a document is first previewed or exported; this package's ``__init__``
imports nothing, so loading one dialog does not load the others.
"""
