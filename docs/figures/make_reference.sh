#!/usr/bin/env sh
# Regenerate the README's headline figures (2, 3 and 6) from the reference run.
#
# Reference run: the default model (configs/config.yaml: 20,000 professionals, 150 groups
# of lognormal size, 52 weeks) with five replicate seeds, pooled: 750 groups. About two
# minutes on two cores. Run from anywhere; PYTHON defaults to the project's venv, if any.
#
#   sh docs/figures/make_reference.sh
set -eu
cd "$(dirname "$0")/../.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi
out=results/reference

rm -rf "$out"
"$PYTHON" -m experiments.run -m seed=1,2,3,4,5 plots=false hydra.sweep.dir="$out"
"$PYTHON" -m experiments.plot "$out"
for fig in fig2_thriving_by_size fig3_survival fig6_activity_by_hour; do
  cp "$out/figures/$fig.png" "$out/figures/$fig.svg" docs/figures/
done
echo "docs/figures: figures 2, 3 and 6 of $out (all figures and their data: $out/figures)"
