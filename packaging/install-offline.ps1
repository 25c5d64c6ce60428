# Install Clinician Workstation from this wheelhouse folder, with no network (Windows).
#
#   powershell -ExecutionPolicy Bypass -File install-offline.ps1 [-Prefix DIR] [-Python py]
#
# Same steps as install-offline.sh: a virtual environment in Prefix, then exactly the wheels
# in requirements.lock, --no-index (pip never looks for an index) and --require-hashes (an
# altered wheel is refused). The wheelhouse must have been built on Windows with the same
# Python version: wheels are per platform.
param(
    [string]$Prefix = (Join-Path $env:LOCALAPPDATA "ClinicianWorkstation"),
    [string]$Python = "py"
)
$ErrorActionPreference = "Stop"
$Here = $PSScriptRoot
$env:PIP_DISABLE_PIP_VERSION_CHECK = "1"

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe failed with exit code $LASTEXITCODE" }
}

Invoke-Checked $Python @("-m", "venv", $Prefix)
$VenvPython = Join-Path $Prefix "Scripts\python.exe"
Invoke-Checked $VenvPython @("-m", "pip", "install", "--quiet", "--no-index",
    "--find-links", $Here, "--require-hashes", "--only-binary=:all:",
    "-r", (Join-Path $Here "requirements.lock"))

# The app looks for models\ and resources\ two folders above its package (the repository
# root in a checkout); in a Windows venv that is Lib\.
$AppRoot = & $VenvPython -c "import pathlib, workstation; print(pathlib.Path(workstation.__file__).resolve().parents[2])"
Copy-Item -Recurse -Force (Join-Path $Here "models"), (Join-Path $Here "resources") $AppRoot

Invoke-Checked (Join-Path $Prefix "Scripts\workstation.exe") @("--version")
Write-Output "installed: $(Join-Path $Prefix 'Scripts\workstation.exe')"
