"""Questionnaires as data: YAML instrument files, their loader, registry and scoring."""
