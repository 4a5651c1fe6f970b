"""The matching pipeline, one module per stage: collect → propose → deliberate → confirm."""
