"""The outcome figures: reading results (``load``), their data as tidy tables (``data``,
built on ``stats``) and drawing them (``draw``). The command line is ``experiments.plot``.
"""
