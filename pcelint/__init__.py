"""pcelint: static checks for Illumio PCE active/standby pairs."""


def __getattr__(name):
    # `pcelint.__version__` is looked up on first use: the metadata read is not free at start-up.
    if name == "__version__":
        from pcelint.about import version
        return version()
    raise AttributeError(f"module 'pcelint' has no attribute '{name}'")
