"""Response sets for evaluators: one writer per format, all fed by ``dataset``."""
