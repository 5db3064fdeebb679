"""Rendering: pure builders that turn view data into Plotly figures and files
(PNG/SVG/PDF through kaleido). No Dash here: the briefing pack and the
dashboard both draw through this package (see docs/architecture.md)."""
