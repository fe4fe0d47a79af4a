"""Long work as jobs: started by a request or a command, run outside it, with progress and a result.

Imports are the first kind; usage ingest, royalty runs and batch identification reuse the same
table, runner and `GET /api/v1/jobs/{id}`. A job never holds a database write lock for long: its
work commits in short transactions of its own (see runner.JobContext).
"""
