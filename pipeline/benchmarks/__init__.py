"""Benchmarks, run by ``make bench`` and never by the test suite: timings
belong in a report, not in an assertion.

- :mod:`~pipeline.benchmarks.gazetteer`: the cost of a large imported name list;
- :mod:`~pipeline.benchmarks.scale`: words per second and peak memory of whole
  runs over a synthetic corpus (:mod:`~pipeline.benchmarks.synthetic`), for the
  tokenizer alone, one and two workers, and Dask.
"""
