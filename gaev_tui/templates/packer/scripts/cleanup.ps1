# Written by GAEV: leave only the installed system in the box, and zero the free space
# so that the packaged box compresses well.
$ErrorActionPreference = 'Stop'

# Build leftovers.
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue "$env:TEMP\*", 'C:\Windows\Temp\*'
Stop-Service -Name wuauserv -Force
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue 'C:\Windows\SoftwareDistribution\Download\*'
Start-Service -Name wuauserv

# Component store clean-up: superseded updates are the bulk of a fresh install's waste.
Dism.exe /Online /Cleanup-Image /StartComponentCleanup /ResetBase
if ($LASTEXITCODE -ne 0) { throw "DISM clean-up failed with exit code $LASTEXITCODE" }

# Zeros over the free space (cipher /w would write random data, which does not compress).
$path = 'C:\zero.tmp'
$volume = Get-Volume -DriveLetter C
$block = New-Object byte[] (64MB)
$stream = [System.IO.File]::OpenWrite($path)
try {
  $left = $volume.SizeRemaining - 512MB
  while ($left -gt 0) {
    $stream.Write($block, 0, $block.Length)
    $left -= $block.Length
  }
} finally {
  $stream.Close()
  Remove-Item -Force $path
}
