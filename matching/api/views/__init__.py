"""One module per sub-domain: pipeline (runs, proposals, topics, meetings) and outcomes (projects onwards)."""
