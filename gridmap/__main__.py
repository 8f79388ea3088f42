"""``python -m gridmap``: the same command line as the ``gridmap`` script."""
from gridmap.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="gridmap")
