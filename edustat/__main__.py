"""`python -m edustat` runs the command line."""

from edustat.cli import main

main()
