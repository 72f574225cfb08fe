"""Inputs of the DNS rules: zone files, live answers, the provider."""
