#!/usr/bin/env bash
# The lint tier of scripts/test.sh, also alone:   bash scripts/test-lint.sh
#   `pre-commit run --all-files`: the hooks of .pre-commit-config.yaml, the same
#   that run at `git commit` (ruff check, ruff format, pylint-odoo, OCA's
#   oca-checks-odoo-module and oca-checks-po, prettier, README.rst and
#   index.html from readme/*.md). pre-commit installs each hook's pinned tools
#   from the package registries into its own cache (~/.cache/pre-commit, or
#   PRE_COMMIT_HOME) the first time. A hook that fixes files (formatting, XML
#   headers, .po layout) fails the tier and leaves the fix in the work tree.
#   One pass or failure per hook (pre-commit's own report); records the tier
#   line (lib.sh tier), exits 1 when a hook failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
[[ -n "${CS_PY:-}" ]] || use_venv # called alone: bootstrap first
bash "$REPO/scripts/system-deps.sh" node # prettier's hook runs on the system's node

t=$SECONDS rc=0 out="$(mktemp)"
trap 'rm -f "$out"' EXIT
if "$PY" -c 'import pre_commit' 2>/dev/null; then
    "$PY" -m pre_commit run --all-files --color never --show-diff-on-failure 2>&1 |
        tee "$out" || rc=$?
    # pre-commit's report, one line per hook: "<name>.....Passed" (or Failed, Skipped)
    count() { grep -cE "[.)]$1\$" "$out" || true; }
    p=$(count Passed) f=$(count Failed) s=$(count Skipped) note="pre-commit run --all-files"
    ((rc == 0 || f > 0)) || note="FAIL pre-commit rc=$rc"
else
    p=0 f=1 s=0 note="FAIL pre-commit missing from the venv (requirements-test.txt)"
fi
tier lint "$p" "$f" "$s" $((SECONDS - t)) "$note"
[[ "$TIER_STATUS" == PASS ]]
