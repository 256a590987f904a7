#!/usr/bin/env bash
# The lint tier of scripts/test.sh, also alone:   bash scripts/test-lint.sh
#   ruff check, ruff format --check (pyproject.toml), pylint-odoo on the addons
#   (.pylintrc), README.rst generated from readme/*.md (scripts/gen_readme.py),
#   prettier (OCA settings) on the addons' XML and JS. One pass or failure per
#   check; records the tier line (lib.sh tier), exits 1 when a check failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
[[ -n "${CS_PY:-}" ]] || use_venv # called alone: bootstrap first
ADDON_DIR="$REPO/client_segmentation"

t=$SECONDS p=0 f=0
if "$PY" -m ruff check "$REPO"; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" -m ruff format --check "$REPO"; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" -m pylint --rcfile="$REPO/.pylintrc" "$ADDON_DIR" "$ADDON_DIR"_*; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" "$REPO/scripts/gen_readme.py" --check; then p=$((p + 1)); else f=$((f + 1)); fi
if (cd "$REPO" && node_modules/.bin/prettier --check --log-level warn "client_segmentation*/**/*.{xml,js}"); then
    p=$((p + 1))
else
    f=$((f + 1)) && echo "prettier: run  npx prettier --write 'client_segmentation*/**/*.{xml,js}'"
fi
tier lint $p $f 0 $((SECONDS - t)) "ruff check, ruff format, pylint-odoo, README.rst, prettier"
[[ "$TIER_STATUS" == PASS ]]
