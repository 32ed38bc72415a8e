"""`python -m esj_review` runs the command-line tool."""

try:
    from esj_review.cli import main
except KeyboardInterrupt:  # Ctrl-C while the tool is still loading
    raise SystemExit(130) from None

main()
