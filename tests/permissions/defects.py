"""Product defects the crawl and the matrix found. All are fixed (the admin's history of models without a history
table, personal data masked to the overseer in the admin and the member-unit ledger, undeclared lookups on every
admin, the categories' list edits, the demo's proposals without score parts); a new defect fails the guard tests
(tests/crawl: test_only_known_defects_remain) until it is fixed or listed here with its reason."""
