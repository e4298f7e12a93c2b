# Written by GAEV: run once at first logon by Autounattend.xml, so that Packer (and
# later Vagrant) can drive Windows over WinRM. Vagrant's Windows convention is HTTP with
# Basic authentication: the port is reachable only from the host's private NAT network,
# and the account is the public vagrant/vagrant one of base boxes.
$ErrorActionPreference = 'Stop'

# The WinRM firewall exception is refused on networks Windows calls Public.
Get-NetConnectionProfile | Set-NetConnectionProfile -NetworkCategory Private

Enable-PSRemoting -Force -SkipNetworkProfileCheck
winrm set winrm/config/service '@{AllowUnencrypted="true"}'
winrm set winrm/config/service/auth '@{Basic="true"}'
winrm set winrm/config/winrs '@{MaxMemoryPerShellMB="2048"}'
Set-Service -Name WinRM -StartupType Automatic

# Remote sessions of local administrators get a full token (UAC would filter it).
New-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' `
  -Name LocalAccountTokenFilterPolicy -PropertyType DWord -Value 1 -Force | Out-Null

if (-not (Get-NetFirewallRule -Name 'gaev-winrm-http' -ErrorAction SilentlyContinue)) {
  New-NetFirewallRule -Name 'gaev-winrm-http' -DisplayName 'WinRM HTTP (Vagrant)' `
    -Direction Inbound -Protocol TCP -LocalPort 5985 -Action Allow | Out-Null
}
