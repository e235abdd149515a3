"""The printable documents (ReportLab), built from plain data only.

``reports`` imports ``models`` and ``resources`` at most; the data classes here are
filled by ``desk.documents`` so the same builder serves preview, print, email and
batch export.
"""
