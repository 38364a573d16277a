"""Deployment tooling: local service lifecycle (local/) and production manifests (k8s/)."""
