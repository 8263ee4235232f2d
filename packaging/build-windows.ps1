<#
.SYNOPSIS
  Builds Eris Desktop for Windows: the PyInstaller folder, then the Inno Setup installer.

.DESCRIPTION
  Run from any folder, in PowerShell 5.1 or 7, with a Python that has the project and
  PyInstaller installed (python -m pip install . "pyinstaller>=6.10,<7"), and Inno Setup 6
  (iscc on PATH, or in its default folder). Makes:
    dist\eris-desktop\                                  the app folder (eris-desktop.exe, eris-desktop-cli.exe)
    dist\Eris-Desktop-VERSION-windows-x64-setup.exe     the installer
  The version comes from app.__version__ (which pyproject.toml reads too).

.PARAMETER Python
  The Python to build with; default .venv\Scripts\python.exe if it exists, else python.

.PARAMETER SkipInstaller
  Stop after PyInstaller (no Inno Setup needed).
#>
param(
    [string]$Python = "",
    [switch]$SkipInstaller
)

$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root

if (-not $Python) {
    $Python = if (Test-Path ".venv\Scripts\python.exe") { ".venv\Scripts\python.exe" } else { "python" }
}

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

& $Python -m PyInstaller --version *> $null
if ($LASTEXITCODE -ne 0) {
    throw "PyInstaller is not installed for $Python. Install it: $Python -m pip install `"pyinstaller>=6.10,<7`""
}
$version = (& $Python -c "import app; print(app.__version__)").Trim()
Write-Host "Building Eris Desktop $version with $Python"

$started = Get-Date
Invoke-Checked "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN `
        --distpath dist --workpath build\pyinstaller packaging\eris-desktop.spec
}
$bundle = Join-Path $root "dist\eris-desktop"
$reported = (& (Join-Path $bundle "eris-desktop-cli.exe") --version).Trim()
if ($reported -ne "Eris Desktop $version") { throw "The frozen app says '$reported', not 'Eris Desktop $version'" }
$size = (Get-ChildItem $bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("App folder: {0} ({1:N0} MB)" -f $bundle, $size)

if ($SkipInstaller) { return }

$iscc = Get-Command iscc -ErrorAction SilentlyContinue
$isccPath = if ($iscc) { $iscc.Source } else { Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $isccPath)) {
    throw "Inno Setup 6 is not installed (no iscc on PATH nor $isccPath): https://jrsoftware.org/isdl.php, or use -SkipInstaller"
}
Invoke-Checked "Inno Setup" {
    & $isccPath /Q "/DAppVersion=$version" "/DSourceDir=$bundle" "/O$(Join-Path $root 'dist')" installer.iss
}
$installer = Join-Path $root "dist\Eris-Desktop-$version-windows-x64-setup.exe"
$elapsed = (Get-Date) - $started
Write-Host ("Installer: {0} ({1:N0} MB) in {2:N0} s" -f $installer, ((Get-Item $installer).Length / 1MB), $elapsed.TotalSeconds)
