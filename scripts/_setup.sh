# shellcheck shell=bash
# Shared set-up for scripts/run, scripts/test and scripts/bench (sourced, not run).
#
#   branchdesk_setup run|test
#
# Idempotent and quick when nothing changed:
#   1. .venv with Python >= 3.11 (made if missing or broken; PYTHON=/path/to/python picks one);
#   2. `pip install -e .` (or `.[test]`) only when pyproject.toml changed since the last install
#      (a stamp file inside .venv remembers the hash and the extras);
#   3. on Debian/Ubuntu, the system libraries Qt 6 needs (offscreen and xcb): installed with
#      apt-get when running as root, otherwise listed with the command to install them.
# Afterwards BRANCHDESK_ROOT, VENV_PY and VENV_BIN are set and the working directory is the repo.

BRANCHDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$BRANCHDESK_ROOT/.venv"
MIN_PYTHON="3.11"

# Debian packages providing every library that PySide6's QtCore/Gui/Widgets/PrintSupport/Svg/
# Test, the offscreen and xcb platform plugins and the xcb GL integrations link against
# (found with readelf/ldd; libc, libstdc++, zlib and zstd are always present on Debian).
# fonts-wqy-microhei is not needed: the app ships its own CJK font in resources/fonts.
QT_DEBIAN_PACKAGES=(
    libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0
    libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0
    libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
    libxcb-xkb1
)

_say() { printf '[setup] %s\n' "$*" >&2; }
_die() {
    printf '[setup] ERROR: %s\n' "$*" >&2
    exit 1
}

# Prints "X.Y" for a Python interpreter, or nothing if it does not run.
_py_version() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

# True when version $1 (X.Y) >= MIN_PYTHON.
_py_new_enough() {
    local major minor want_major want_minor
    IFS=. read -r major minor <<<"$1"
    IFS=. read -r want_major want_minor <<<"$MIN_PYTHON"
    [[ -n "$major" && -n "$minor" ]] || return 1
    ((major > want_major || (major == want_major && minor >= want_minor)))
}

_venv_bin_dir() {
    if [[ -x "$VENV_DIR/bin/python" ]]; then
        echo "$VENV_DIR/bin"
    elif [[ -x "$VENV_DIR/Scripts/python.exe" ]]; then # Git Bash on Windows
        echo "$VENV_DIR/Scripts"
    fi
}

_ensure_venv() {
    local bin version
    bin="$(_venv_bin_dir)"
    if [[ -n "$bin" ]]; then
        version="$(_py_version "$bin/python")"
        if _py_new_enough "$version"; then
            VENV_BIN="$bin"
            return
        fi
        _say "The existing .venv is broken or too old (Python '${version:-none}'); making it again."
        rm -rf "$VENV_DIR"
    fi

    local candidate found="" seen=""
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        version="$(_py_version "$candidate")"
        seen+=" $candidate=${version:-?}"
        if _py_new_enough "$version"; then
            found="$candidate"
            break
        fi
    done
    if [[ -z "$found" ]]; then
        _die "BranchDesk needs Python $MIN_PYTHON or newer; found:${seen:- no Python at all}.
  Install Python $MIN_PYTHON+ (Debian 12/Ubuntu: apt-get install python3 python3-venv;
  Windows/macOS: python.org), or set PYTHON=/path/to/python3.11, then run this again."
    fi
    _say "Making .venv with $found (Python $version)"
    if ! "$found" -m venv "$VENV_DIR"; then
        rm -rf "$VENV_DIR"
        _die "'$found -m venv' failed. On Debian/Ubuntu install the venv module: apt-get install python3-venv"
    fi
    VENV_BIN="$(_venv_bin_dir)"
    [[ -n "$VENV_BIN" ]] || _die "the new .venv has no python in it"
}

_ensure_install() {
    local mode="$1" stamp="$VENV_DIR/.branchdesk-install" target="." want have_hash have_extras
    want="$("$VENV_BIN/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$BRANCHDESK_ROOT/pyproject.toml")"
    if [[ -f "$stamp" ]]; then
        read -r have_hash have_extras <"$stamp" || true
        # A test install (with [test]) also serves `run`.
        if [[ "$have_hash" == "$want" && ("$mode" == run || "${have_extras:-}" == test) ]]; then
            return
        fi
    fi
    local extras=""
    if [[ "$mode" == test ]]; then
        target=".[test]"
        extras="test"
    fi
    _say "Installing BranchDesk and its dependencies into .venv (pip install -e '$target'; the first time takes a minute or two)"
    "$VENV_BIN/python" -m pip install --disable-pip-version-check --quiet --editable "$target" ||
        _die "pip install failed (see above). Check the network connection to PyPI and run this again."
    echo "$want $extras" >"$stamp"
}

_missing_debian_packages() {
    local pkg status
    for pkg in "${QT_DEBIAN_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] && continue
        # Ubuntu 24.04 renamed some libraries with a t64 suffix.
        status="$(dpkg-query -W -f='${Status}' "${pkg}t64" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] && continue
        echo "$pkg"
    done
}

_ensure_qt_system_libraries() {
    [[ "$(uname -s)" == Linux ]] || return 0
    if [[ -f /etc/debian_version ]] && command -v dpkg-query >/dev/null 2>&1; then
        local missing
        missing="$(_missing_debian_packages | tr '\n' ' ')"
        missing="${missing% }"
        if [[ -n "$missing" ]]; then
            if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
                _say "Installing the system libraries Qt needs: $missing"
                export DEBIAN_FRONTEND=noninteractive
                apt-get update -qq || _say "apt-get update reported a problem; trying the install anyway"
                # shellcheck disable=SC2086  # one word per package
                apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
                    _die "apt-get install $missing failed (see above)"
            else
                _say "Qt needs these system libraries, which are not installed: $missing"
                _say "Install them with: sudo apt-get install $missing"
            fi
        fi
    fi
    _check_qt_links
}

# Whatever the distribution: say which libraries the Qt platform plugins cannot find.
_check_qt_links() {
    command -v ldd >/dev/null 2>&1 || return 0
    local qt lib missing
    qt="$(compgen -G "$VENV_DIR/lib/python3*/site-packages/PySide6/Qt" | head -n 1 || true)"
    [[ -n "$qt" ]] || return 0
    missing="$(
        for lib in "$qt"/lib/libQt6{Core,Gui,Widgets,XcbQpa}.so.6 "$qt"/plugins/platforms/libq{offscreen,xcb}.so; do
            if [[ -f "$lib" ]]; then ldd "$lib" 2>/dev/null | awk '/not found/ {print $1}'; fi
        done | sort -u | tr '\n' ' '
    )"
    if [[ -n "$missing" ]]; then
        _say "WARNING: Qt cannot find these system libraries: $missing"
        _say "The window may not open (tests use QT_QPA_PLATFORM=offscreen). Install the packages that provide them."
    fi
}

branchdesk_setup() {
    local mode="${1:-run}"
    cd "$BRANCHDESK_ROOT" || _die "cannot enter $BRANCHDESK_ROOT"
    _ensure_venv
    _ensure_install "$mode"
    # The PDF tests read text back with pdftotext and render pages with pdftoppm.
    if [[ "$mode" == test ]]; then QT_DEBIAN_PACKAGES+=(poppler-utils); fi
    _ensure_qt_system_libraries
    # shellcheck disable=SC2034  # used by the scripts that source this file
    VENV_PY="$VENV_BIN/python"
    export VIRTUAL_ENV="$VENV_DIR"
    export PATH="$VENV_BIN:$PATH"
}
