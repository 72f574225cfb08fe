"""Post-processing of a merged run: suppressions, per-file ignores, baselines, line hashes."""
