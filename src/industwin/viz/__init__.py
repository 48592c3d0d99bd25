"""Plotly figure builders shared by the CLI pages and reports."""
