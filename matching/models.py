"""The matching pipeline: collect, propose, deliberate, confirm; projects and evaluations."""
