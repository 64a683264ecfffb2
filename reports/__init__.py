"""Rendering verify results for people: the HTML report (and, later, Markdown)."""
