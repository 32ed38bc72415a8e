"""The core: rubric models and loading, conditions, review files, the answers walk, checks,
scoring, lint, question types and safe file I/O. It imports nothing else of the package."""
