#!/bin/sh
# Smoke-test an installed Clinician Workstation: version and models, an ECG analysis to JSON,
# and the GUI's first window offscreen with a clean exit.
#
#   unshare -rn packaging/smoke-test.sh PATH/TO/workstation [RECORD.hea]
#
# For the one-folder bundle (an _internal/ folder beside the executable) it first checks the
# folder's size against MAX_BUNDLE_MB (default 600, project issue #9).
#
# Meant to run with no network (unshare -rn: a namespace whose only interface is a down
# loopback); it refuses to run where another interface exists, so a pass proves offline.
set -eu

WORKSTATION=$1
RECORD=${2:-${WORKSTATION_DATA:-../shared/data}/ludb/data/1.hea}

if [ "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ')" != "lo" ]; then
    echo "smoke-test: a network interface is present; run me under 'unshare -rn'" >&2
    exit 1
fi

BUNDLE_DIR=$(dirname "$WORKSTATION")
if [ -d "$BUNDLE_DIR/_internal" ]; then
    MAX_BUNDLE_MB=${MAX_BUNDLE_MB:-600}
    SIZE_MB=$(du -sm "$BUNDLE_DIR" | cut -f1)
    if [ "$SIZE_MB" -gt "$MAX_BUNDLE_MB" ]; then
        echo "smoke-test: FAILED: the bundle $BUNDLE_DIR is $SIZE_MB MB, over the" \
            "$MAX_BUNDLE_MB MB limit (see packaging/README.md on what is left out)" >&2
        exit 1
    fi
    echo "bundle size: $SIZE_MB MB (limit $MAX_BUNDLE_MB MB)"
fi

# A throw-away home: the first-run dialog must not find (or create) a real vault.
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH" XDG_DATA_HOME="$SCRATCH/data" XDG_CONFIG_HOME="$SCRATCH/config"
export QT_QPA_PLATFORM=offscreen

"$WORKSTATION" --version | tee "$SCRATCH/version.txt"
grep -q "ecg-segmentation" "$SCRATCH/version.txt"
if grep -q "MISMATCH" "$SCRATCH/version.txt"; then exit 1; fi

"$WORKSTATION" analyze ecg "$RECORD" --json "$SCRATCH/ecg.json" >/dev/null
grep -q '"ecg-segmentation"' "$SCRATCH/ecg.json"  # the ONNX model ran, not a fallback
echo "analyze ecg: $(wc -c <"$SCRATCH/ecg.json") bytes of JSON"

# The GUI saves a screenshot 1.5 s after start-up and quits; the wall time minus that
# delay is the start-up time to the first window.
START=$(date +%s.%N)
"$WORKSTATION" gui --screenshot "$SCRATCH/shot.png"
END=$(date +%s.%N)
test -s "$SCRATCH/shot.png"
echo "gui: first window saved and closed cleanly; $(awk "BEGIN { print $END - $START }") s in all"
echo "smoke-test: passed"
