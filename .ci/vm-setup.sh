#!/bin/sh
# Bring up libvirt for the `vm` tests on a machine without systemd, then print what the
# tests will rely on. Installs nothing (.ci/run does); safe to run any number of times.
# The pytest fixtures (tests/vmbox/libvirt.py) do the same; this script lets CI fail
# early with a readable diagnosis instead of a skipped/failed test.
set -eu

URI=qemu:///system

running() { # true when a process with this exact name runs (pid files may be stale)
    for comm in /proc/[0-9]*/comm; do
        [ "$(cat "$comm" 2>/dev/null)" = "$1" ] && return 0
    done
    return 1
}

running virtlogd || virtlogd -d
if ! virsh -c "$URI" version >/dev/null 2>&1; then
    running libvirtd || libvirtd -d
    i=0
    until virsh -c "$URI" version >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 60 ]; then
            echo "vm-setup: libvirtd does not answer on $URI" >&2
            exit 1
        fi
        sleep 1
    done
fi

if ! virsh -c "$URI" net-info default >/dev/null 2>&1; then
    virsh -c "$URI" net-define /usr/share/libvirt/networks/default.xml
fi
if ! virsh -c "$URI" net-info default | grep -Eq '^Active:[[:space:]]+yes'; then
    virsh -c "$URI" net-start default
fi
if ! virsh -c "$URI" pool-info default >/dev/null 2>&1; then
    mkdir -p /var/lib/libvirt/images
    virsh -c "$URI" pool-define-as default dir --target /var/lib/libvirt/images
fi
if ! virsh -c "$URI" pool-info default | grep -Eq '^State:[[:space:]]+running'; then
    virsh -c "$URI" pool-start default
fi

echo "== vm-setup diagnostics"
virsh -c "$URI" version
virsh -c "$URI" net-list --all
virsh -c "$URI" pool-list --all
virsh -c "$URI" list --all
echo "kvm device: $(ls -l /dev/kvm 2>/dev/null || echo absent) (tests use software emulation anyway)"
VAGRANT_CHECKPOINT_DISABLE=1 vagrant --version
VAGRANT_CHECKPOINT_DISABLE=1 vagrant plugin list
packer version
qemu-system-x86_64 --version | head -n 1
df -h /var/lib/libvirt/images /var/tmp "${GAEV_TEST_CACHE:-$HOME/.cache}" 2>/dev/null || true
