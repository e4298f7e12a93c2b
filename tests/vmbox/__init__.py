"""Real-VM test infrastructure: libvirt without systemd, a cached Debian 12 test box,
Vagrant homes and projects that clean up after themselves.

Modules: ``libvirt`` (daemons, network, pool, clean-up), ``rootfs`` (the guest recipe),
``box`` (image assembly and cache), ``vagrant_env`` (VAGRANT_HOME, projects),
``procs`` (running tools, leftover processes), ``fixtures`` (pytest fixtures).
``data/`` holds the box Vagrantfile and a reference Packer template (qemu from disk).
"""
