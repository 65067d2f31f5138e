"""The command line of groupsim: Hydra configs, runs and sweeps, results on disk."""
