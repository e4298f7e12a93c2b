# Written by GAEV: what Vagrant expects of a Windows base box, run over WinRM as vagrant.
$ErrorActionPreference = 'Stop'

# Vagrant logs in with the public vagrant/vagrant account for the box's whole life.
Set-LocalUser -Name vagrant -PasswordNeverExpires $true

# No sleep or hibernation: a sleeping VM drops Vagrant's WinRM session, and the
# hibernation file costs as much disk as the VM has memory.
powercfg /hibernate off
powercfg /change standby-timeout-ac 0
powercfg /change monitor-timeout-ac 0
