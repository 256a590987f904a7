#!/usr/bin/env bash
# Bootstrap: one virtual environment, .venv/ (git-ignored), with Odoo 18.0, its
# Python requirements and the test tooling. demo.sh, test.sh, bench/run.sh and
# .ci/run all call it first; run it alone with   bash scripts/bootstrap.sh
#
# Where Odoo 18.0 comes from, first match wins (it says which one it uses):
#   1. an `odoo` 18.0 that $PYTHON (default python3) already imports: the user's
#      own install. The venv sees that interpreter's sys.path (a .pth file).
#   2. $ODOO_SRC: an Odoo 18.0 source folder, or a source tarball (.tar.xz,
#      .tar.gz, .tgz, .zip), unpacked into .odoo-src/.
#   3. the tarball in ../shared/odoo/ beside this checkout (odoo-18.0-*.tar.*).
#   4. none: stop with what to do, exit 1.
# It never downloads Odoo. Odoo's requirements come from the package registry,
# with the departures listed (with reasons) in scripts/odoo-pins.txt. A second
# run with the same inputs reuses the venv (a stamp file) in a few seconds.
#
# Environment: PYTHON, ODOO_SRC, VENV (default $REPO/.venv).
# Prints nothing on stdout but the venv's python path (last line), so callers do
#     PY="$(bash scripts/bootstrap.sh)"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

BASE_PY="${PYTHON:-python3}"
VENV="${VENV:-$REPO/.venv}"
SRC_CACHE="$REPO/.odoo-src"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore
t0=$SECONDS

howto() {
    banner "No Odoo 18.0 found." "$@" \
        "Give the bootstrap an Odoo 18.0 Community source, either:" \
        "  - the official source tarball (odoo_18.0.latest.tar.gz from the Odoo nightly" \
        "    server), or a clone: git clone --depth 1 -b 18.0 https://github.com/odoo/odoo" \
        "then run again with   ODOO_SRC=/path/to/that/tarball-or-folder" \
        "(or install Odoo 18.0 into $BASE_PY yourself: docs/running.md)." >&2
    exit 1
}

command -v "$BASE_PY" >/dev/null 2>&1 || die "python interpreter '$BASE_PY' not found (set PYTHON)"
# Run from inside this venv (activated, or PYTHON pointing at it): build from the
# interpreter it was made from, never from itself.
if [[ "$("$BASE_PY" -c 'import sys; print(sys.prefix)' 2>/dev/null)" == "$VENV" ]]; then
    BASE_PY="$("$BASE_PY" -c 'import sys; print(sys._base_executable)')"
fi
base_ver="$("$BASE_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

# ------------------------------------------------------------ where is Odoo?
KIND="" SRC_DIR="" SRC_ID=""
own_paths=""
if own_paths="$(cd "$REPO" && "$BASE_PY" - 2>/dev/null <<'EOF'
import sys
import odoo
from odoo import release
assert release.version_info[:2] == (18, 0)
print("\n".join(p for p in sys.path if p))
EOF
)"; then
    KIND="own"
    SRC_ID="$("$BASE_PY" -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')"
    log "Odoo 18.0: the one $BASE_PY already imports ($SRC_ID)"
elif [[ -n "${ODOO_SRC:-}" ]]; then
    [[ -e "$ODOO_SRC" ]] || howto "ODOO_SRC=$ODOO_SRC does not exist." \
        "Point ODOO_SRC at an existing Odoo 18.0 source folder or tarball, or unset it."
    if [[ -d "$ODOO_SRC" ]]; then
        KIND="src-dir"
        SRC_DIR="$(cd "$ODOO_SRC" && pwd)"
        SRC_ID="$SRC_DIR"
        log "Odoo 18.0: the source folder ODOO_SRC=$SRC_DIR"
    else
        KIND="tarball"
        TARBALL="$(cd "$(dirname "$ODOO_SRC")" && pwd)/$(basename "$ODOO_SRC")"
        log "Odoo 18.0: the source tarball ODOO_SRC=$TARBALL"
    fi
else
    TARBALL="$(ls -1 "$REPO"/../shared/odoo/odoo-18.0*.tar.* 2>/dev/null | sort | tail -n 1 || true)"
    [[ -n "$TARBALL" ]] || howto "Looked for: an odoo that $BASE_PY imports, \$ODOO_SRC, ../shared/odoo/odoo-18.0*.tar.*."
    TARBALL="$(cd "$(dirname "$TARBALL")" && pwd)/$(basename "$TARBALL")"
    KIND="tarball"
    log "Odoo 18.0: the tarball $TARBALL"
fi

# ------------------------------------------------------------ unpack a tarball
if [[ $KIND == tarball ]]; then
    # Keyed by size + mtime + name (a checksum of ~60 MB each run is not "a few seconds").
    SRC_ID="$(basename "$TARBALL")-$(stat -c '%s-%Y' "$TARBALL")"
    SRC_DIR="$SRC_CACHE/$SRC_ID"
    if [[ ! -f "$SRC_DIR/.unpacked" ]]; then
        log "unpacking into ${SRC_DIR#"$REPO"/} ..."
        rm -rf "$SRC_DIR" "$SRC_DIR.tmp"
        mkdir -p "$SRC_DIR.tmp"
        case "$TARBALL" in
        *.zip) (cd "$SRC_DIR.tmp" && "$BASE_PY" -m zipfile -e "$TARBALL" .) ;;
        *) tar -xf "$TARBALL" -C "$SRC_DIR.tmp" ;;
        esac
        mv "$SRC_DIR.tmp" "$SRC_DIR"
        # keep only this tarball's tree
        find "$SRC_CACHE" -mindepth 1 -maxdepth 1 ! -name "$SRC_ID" -exec rm -rf {} +
    fi
    # the tree may sit one folder down (odoo-18.0/)
    if [[ ! -f "$SRC_DIR/odoo/release.py" ]]; then
        inner="$(find "$SRC_DIR" -mindepth 2 -maxdepth 3 -path '*/odoo/release.py' -print -quit)"
        [[ -n "$inner" ]] || howto "$TARBALL holds no odoo/release.py: not an Odoo source tarball."
        SRC_DIR="$(dirname "$(dirname "$inner")")"
    fi
    touch "$SRC_CACHE/$SRC_ID/.unpacked"
fi
if [[ -n "$SRC_DIR" ]]; then
    [[ -f "$SRC_DIR/odoo/release.py" ]] || howto "$SRC_DIR has no odoo/release.py: not an Odoo source tree."
    ver="$(sed -nE 's/^version_info = \(([0-9]+), ([0-9]+).*/\1.\2/p' "$SRC_DIR/odoo/release.py")"
    [[ "$ver" == 18.0 ]] || howto "$SRC_DIR is Odoo ${ver:-of unknown version}, not 18.0."
fi

# ------------------------------------------------------------ reuse?
stamp_inputs() {
    echo "bootstrap=$(cat "$REPO/scripts/bootstrap.sh" "$REPO/scripts/odoo-pins.txt" \
        "$REPO/package-lock.json" \
        "$REPO/scripts/odoo_requirements.py" \
        "$REPO/scripts/build-constraints.txt" "$REPO/requirements-test.txt" | md5sum)"
    echo "python=$("$BASE_PY" -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version)')"
    echo "odoo=$KIND $SRC_ID"
    [[ -n "$SRC_DIR" ]] && echo "requirements=$(md5sum <"$SRC_DIR/requirements.txt")"
    [[ $KIND == own ]] && echo "paths=$(echo "$own_paths" | md5sum)"
    return 0
}
STAMP="$VENV/.bootstrap-stamp"
want="$(stamp_inputs)"
venv_ok() {
    (cd "$REPO" && "$VENV/bin/python" - >/dev/null 2>&1 <<'EOF'
import odoo, pytest, pytest_odoo, ruff, pylint_odoo, websocket, psycopg2, lxml
from odoo import release
assert release.version_info[:2] == (18, 0)
EOF
    )
}
prettier_ok() { [[ -x "$REPO/node_modules/.bin/prettier" ]]; }
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && venv_ok && prettier_ok; then
    log "reusing ${VENV#"$REPO"/} ($((SECONDS - t0))s)"
    echo "$VENV/bin/python"
    exit 0
fi

# ------------------------------------------------------------ system packages
# Building psycopg2 needs libpq's headers and a C compiler; venv needs ensurepip.
bash "$REPO/scripts/system-deps.sh" build

# ------------------------------------------------------------ the venv
log "building ${VENV#"$REPO"/} with $BASE_PY ($base_ver) ..."
rm -rf "$VENV"
"$BASE_PY" -m venv "$VENV" || die "'$BASE_PY -m venv' failed (Debian: apt-get install python3-venv)"
VPY="$VENV/bin/python"
site="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# (the grep drops pip's notes about this machine's empty extra index folders)
pipi() {
    (cd "$REPO" && "$VPY" -m pip install -q "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2))
}

if [[ $KIND == own ]]; then
    # The user's interpreter paths, after the venv's own site-packages: odoo and
    # the libraries it was installed with are importable, the venv adds tools.
    echo "$own_paths" | grep -v "^$REPO$" >"$site/zz-own-odoo.pth"
else
    # Odoo's requirements, with the departures of scripts/odoo-pins.txt.
    reqs="$VENV/odoo-requirements.txt"
    "$VPY" "$REPO/scripts/odoo_requirements.py" "$SRC_DIR/requirements.txt" \
        "$REPO/scripts/odoo-pins.txt" "$reqs"
    log "pip install Odoo 18.0's requirements (a few minutes the first time) ..."
    # PIP_CONSTRAINT reaches pip's isolated build environments too (the sdists
    # that need setuptools<81); PIP_BUILD_CONSTRAINT is the newer pips' name.
    PIP_CONSTRAINT="$REPO/scripts/build-constraints.txt" \
        PIP_BUILD_CONSTRAINT="$REPO/scripts/build-constraints.txt" \
        pipi -r "$reqs" || die "installing Odoo's requirements failed (see above; scripts/odoo-pins.txt lists the known departures)"
    # Odoo itself: its source folder on the venv's path (no copy, no build).
    echo "$SRC_DIR" >"$site/odoo-src.pth"
fi

log "pip install the test tooling (requirements-test.txt) ..."
PIP_CONSTRAINT="$REPO/scripts/build-constraints.txt" pipi -r "$REPO/requirements-test.txt" ||
    die "installing requirements-test.txt failed"

# prettier for the XML and JS (package.json, pinned in package-lock.json)
bash "$REPO/scripts/system-deps.sh" node
log "npm ci (prettier and its XML plugin) ..."
(cd "$REPO" && npm ci --no-audit --no-fund --silent >&2) || die "npm ci failed"

venv_ok || {
    (cd "$REPO" && "$VPY" -c 'import odoo, pytest_odoo, ruff, pylint_odoo, websocket') >&2 || true
    die "the new venv cannot import odoo and the test tooling (see above)"
}
echo "$want" >"$STAMP"
log "ready: ${VENV#"$REPO"/} with Odoo $("$VPY" -c 'import odoo.release as r; print(r.version)' 2>/dev/null) ($((SECONDS - t0))s)"
echo "$VPY"
