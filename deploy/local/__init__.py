"""Local service lifecycle for `make dev`, `make test` and `make bench`.

`python -m deploy.local.stack` starts PostgreSQL, Valkey and a Kafka-compatible broker for a
profile (dev, test, bench), exports their URLs to a command and always stops what it started.
"""
