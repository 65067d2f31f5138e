"""The outcome figures.

Reading results (``load``), their data as tidy tables (``data``, built on ``stats``) and
drawing them (``draw``). The command line is ``experiments.plot``.
"""
