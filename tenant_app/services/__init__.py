"""Domain operations shared by views, jobs and the CLI."""
