# Written by GAEV: the built-in Administrator (SID ending in -500, whatever its localised
# name) gets the password given in GAEV_WINDOWS_ADMIN_PASSWORD when Packer ran; without
# one it stays disabled, as Windows leaves it. The value comes from the environment only.
$ErrorActionPreference = 'Stop'
$admin = Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' }
if ([string]::IsNullOrEmpty($env:GAEV_ADMIN_PASSWORD)) {
  Write-Output 'No administrator password given: the Administrator account stays disabled.'
  exit 0
}
$secure = ConvertTo-SecureString -String $env:GAEV_ADMIN_PASSWORD -AsPlainText -Force
$admin | Set-LocalUser -Password $secure -PasswordNeverExpires $true
$admin | Enable-LocalUser
Write-Output 'Administrator enabled with the given password.'
