"""Helpers the adapters share. Not adapters: nothing here serves a port or names a technology's driver.

Adapters import these, never each other.
"""
