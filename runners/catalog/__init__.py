"""The claims as loaded: spec files read and validated with their kinds' checks, selected, and their coverage of a text."""
