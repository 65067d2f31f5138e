"""The outcome figures: reading results, their data as tidy tables, and drawing them.

``load`` reads results, ``data`` builds the tables (on ``stats``) and ``draw`` draws them.
The command line is ``experiments.plot``.
"""
