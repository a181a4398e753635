"""The evaluation and the benchmarks: run from the project's root, not installed with it."""
