"""The report: an Equity Impact Statement, scorecard, determinants, answers and method.

`render.py` turns a review and its scorecard into HTML, Markdown or JSON; `pdf.py` turns the
HTML into an archival PDF (WeasyPrint is imported there and only there).
"""
