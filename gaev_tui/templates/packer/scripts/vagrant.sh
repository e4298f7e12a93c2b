#!/bin/sh
# Written by GAEV: what Vagrant expects of a base box's vagrant user (run as root).
set -eu

# Password-less sudo: Vagrant runs its provisioners through sudo without a terminal.
printf '%s\n' 'vagrant ALL=(ALL) NOPASSWD:ALL' 'Defaults:vagrant !requiretty' > /etc/sudoers.d/vagrant
chmod 0440 /etc/sudoers.d/vagrant

# Vagrant's insecure public key (public by design: 'vagrant up' replaces it with a key
# of its own on first boot). Written here, not downloaded, so the build needs no
# access to GitHub.
home=$(getent passwd vagrant | cut -d: -f6)
group=$(id -gn vagrant)
install -d -m 0700 -o vagrant -g "$group" "$home/.ssh"
cat > "$home/.ssh/authorized_keys" <<'KEY'
ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key
KEY
chown vagrant:"$group" "$home/.ssh/authorized_keys"
chmod 0600 "$home/.ssh/authorized_keys"
# SELinux (RHEL family): files made by this script must carry the ssh_home_t label,
# or sshd may not read the key.
if command -v restorecon >/dev/null 2>&1; then
  restorecon -R "$home/.ssh"
fi

# No reverse DNS lookups of the client: on a NAT network they only slow every login.
if [ -d /etc/ssh/sshd_config.d ]; then
  printf 'UseDNS no\n' > /etc/ssh/sshd_config.d/10-vagrant.conf
elif ! grep -q '^UseDNS' /etc/ssh/sshd_config; then
  printf '\nUseDNS no\n' >> /etc/ssh/sshd_config
fi
