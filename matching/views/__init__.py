"""The pages, one module per sub-domain: the dashboard and deliberation, projects, published results."""
