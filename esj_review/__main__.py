"""`python -m esj_review` runs the command-line tool."""

from esj_review.cli import main

main()
