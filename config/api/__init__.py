"""API plumbing shared by the apps: error handling, pagination, filters, the schema's error answers, the URLs."""
