"""Adapters: one package per technology, each serving one or more ports."""
