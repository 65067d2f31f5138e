"""Interactive dashboard (Mesa SolaraViz): ``groupsim-dashboard``."""
