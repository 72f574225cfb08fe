"""Inputs of the TLS rules: where certificates are, reading and parsing them, the provider."""
