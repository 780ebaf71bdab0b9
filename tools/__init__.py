"""The book's tools (build, editions, grading, bench), a package: run from the project root as `python -m tools.NAME`."""
