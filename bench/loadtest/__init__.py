"""The load test (issue 11, point 4): the production shape on loopback, Locust, then an exactly-once check.

``bench/loadtest/run`` is the one command; see ``bench/README.md`` («The load test») and ``docs/scaling.md``.
"""
