"""Real-VM tests (marker ``vm``): libvirt + qemu software emulation, Vagrant, Packer."""

from tests.vmbox.fixtures import *  # noqa: F403  (fixtures are found by name)
