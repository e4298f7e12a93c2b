"""Instantiating a box in an OpenStack cloud: the cloud-init user-data, the flat image
exported with qemu-img, and the launch (image, key pair, security group, server) with
openstacksdk. No module here imports Textual."""
