"""Global sensitivity, calibration with uncertainty and validation, as Hydra sweeps.

* :mod:`.design`: the factor tables and the deterministic designs (Morris, Sobol, prior
  draws, replicate seeds) that :mod:`.sweeper` turns into Hydra jobs.
* :mod:`.outputs`: the one mapping from output names to summary keys, and the adapter to
  the stylized-fact registry.
* :mod:`.sensitivity`, :mod:`.calibration`, :mod:`.validation`: the analyses (pure
  functions of tables, tested on analytic and toy problems).
* :mod:`.callbacks`: the Hydra callbacks that run them at the end of a sweep.
"""
