#!/usr/bin/env python3
"""Launcher of the gridmap command line from a checkout: ``python cli.py --help``."""
from gridmap.cli.main import cli

if __name__ == "__main__":
    cli()
