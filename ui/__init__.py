"""The PySide6 window of Desk. The only package that imports Qt; it calls ``desk`` services."""
