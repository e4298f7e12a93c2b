#!/bin/sh
# Written by GAEV: shrink the VM before 'vagrant package'. Every step must succeed;
# a failure stops the build rather than shipping a box in an unknown state.
set -eu
# Usage: cleanup.sh [zero]

# The Ansible that provisioned the VM is a build tool, not part of the environment:
# its venv (scripts/install-ansible.sh), its links and its temporary files go.
rm -rf /opt/gaev/ansible /root/.ansible /home/*/.ansible
find /usr/local/bin -maxdepth 1 -type l -lname '/opt/gaev/ansible/*' -delete
if [ -d /opt/gaev ] && [ -z "$(ls -A /opt/gaev)" ]; then rmdir /opt/gaev; fi

if command -v apt-get >/dev/null 2>&1; then
  apt-get -y autoremove --purge
  apt-get -y clean
  rm -rf /var/lib/apt/lists/*
elif command -v dnf >/dev/null 2>&1; then
  dnf -y autoremove
  dnf -y clean all
fi

# Caches, logs and shell history of the build are not part of the environment.
rm -rf /tmp/* /var/tmp/* /root/.cache /home/*/.cache/pip /var/cache/man/*
rm -f /root/.bash_history /home/*/.bash_history /root/.wget-hsts /home/*/.wget-hsts
find /var/log -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete
find /var/log -type f -exec truncate --size=0 {} +
if [ -d /var/log/journal ]; then find /var/log/journal -type f -name '*.journal*' -delete; fi

# The machine id and SSH host keys are kept on purpose: the packaged box is one
# environment re-created identically, not a template for a fleet of distinct hosts.

# With "zero": fill the free space with zeros so the packaged disk image compresses
# (blocks the build freed still hold their old bytes otherwise). dd stops when the
# disk is full (that error is expected), then the file is removed. libvirt's
# 'vagrant package' sparsifies the disk itself (virt-sparsify), so it is not asked to.
sync
if [ "${1:-}" = zero ]; then
  dd if=/dev/zero of=/var/tmp/gaev-zero bs=1M 2>/dev/null || [ -f /var/tmp/gaev-zero ]
  rm -f /var/tmp/gaev-zero
  sync
fi
