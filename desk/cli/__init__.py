"""The command line (``desk``): ``desk.cli.main`` parses and dispatches, one module per
command group beside it. The top of the core: it may import every other package of
``desk``, and starts the window by importing ``ui`` inside the function that launches it.
"""
