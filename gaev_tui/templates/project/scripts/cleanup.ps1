# Written by GAEV: shrink the Windows VM before 'vagrant package'.
$ErrorActionPreference = 'Stop'

# Files held open by running services cannot go; that is expected, not a failure.
Remove-Item -Recurse -Force -Path "$env:TEMP\*" -ErrorAction SilentlyContinue
if (Get-Command choco -ErrorAction SilentlyContinue) {
  choco cache remove --yes
}
# Re-trim hands freed blocks back to the host so the packaged disk is smaller; some
# virtual disks do not support it, which only means a bigger box.
Optimize-Volume -DriveLetter C -ReTrim -ErrorAction SilentlyContinue
