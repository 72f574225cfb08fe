"""The engine and the data it works on: findings, the node-file model, the YAML loader, rules."""
