"""Clearinghouse: a one-stop rights clearinghouse for short video and multimedia."""
__version__ = "0.1.0"
