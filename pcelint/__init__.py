"""pcelint: static checks for Illumio PCE active/standby pairs."""

__version__ = "0.1.0"
