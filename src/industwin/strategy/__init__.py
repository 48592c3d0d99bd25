"""The strategy layer: the white paper's framework as data, indicators, recommendations and reports."""
