#!/bin/sh
# Install Clinician Workstation from this wheelhouse folder, with no network.
#
#   ./install-offline.sh [PREFIX]     (default: $HOME/clinician-workstation)
#
# Creates a virtual environment in PREFIX and installs exactly the wheels in
# requirements.lock: --no-index so pip never looks for an index, --require-hashes so a
# wheel altered on the way to the ward is refused. Needs the Python the wheelhouse was
# built for (see the first line of requirements.lock); set PYTHON to choose one.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${1:-$HOME/clinician-workstation}
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

"$PYTHON" -m venv "$PREFIX"
"$PREFIX/bin/python" -m pip install --quiet --no-index --find-links "$HERE" \
    --require-hashes --only-binary=:all: -r "$HERE/requirements.lock"

# The app looks for models/ and resources/ two folders above its package (the repository
# root in a checkout); in a venv that is lib/pythonX.Y.
APP_ROOT=$("$PREFIX/bin/python" -c \
    'import pathlib, workstation; print(pathlib.Path(workstation.__file__).resolve().parents[2])')
cp -R "$HERE/models" "$HERE/resources" "$APP_ROOT/"

"$PREFIX/bin/workstation" --version
echo "installed: $PREFIX/bin/workstation"
