"""Tests of the package's root modules, its public surface: models.py, funcspec.py, monad.py."""
