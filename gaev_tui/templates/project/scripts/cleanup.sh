#!/bin/sh
# Written by GAEV: shrink the VM before 'vagrant package'. Every step must succeed;
# a failure stops the build rather than shipping a box in an unknown state.
set -eu

if command -v apt-get >/dev/null 2>&1; then
  apt-get -y autoremove --purge
  apt-get -y clean
  rm -rf /var/lib/apt/lists/*
elif command -v dnf >/dev/null 2>&1; then
  dnf -y autoremove
  dnf -y clean all
fi

# Caches and logs of the build are not part of the environment.
rm -rf /tmp/* /var/tmp/* /root/.cache/pip
find /var/log -type f -name '*.gz' -delete
find /var/log -type f -exec truncate --size=0 {} +

# The machine id and SSH host keys are kept on purpose: the packaged box is one
# environment re-created identically, not a template for a fleet of distinct hosts.
sync
