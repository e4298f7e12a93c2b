"""Base boxes built with Packer: HCL2 templates, unattended-install files, checks and
the build stage (``packer build`` then ``vagrant box add``)."""
