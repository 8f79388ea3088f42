"""The ``gridmap`` command line: thin commands over the Python API (imported by nobody)."""
