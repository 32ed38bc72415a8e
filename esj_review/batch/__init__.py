"""Batch mode: inputs and sheet readers, the worker boundary, the re-run cache and the
portfolio."""
