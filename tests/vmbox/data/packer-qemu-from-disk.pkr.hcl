# Reference for GAEV's Packer generator, proven by tests/vm/test_packer_qemu_smoke.py
# with the Debian packer 1.6.6 (HCL2, builtin qemu builder, no `packer {}` block).
# Starts from an existing disk image (the test box's qcow2) instead of an installer
# ISO, under qemu software emulation, provisions over SSH with Vagrant's insecure key
# and writes a libvirt Vagrant box with the vagrant post-processor.
# The test image has no bootloader: qemu boots the kernel/initrd given here directly.

variable "disk_image" {
  type        = string
  description = "qcow2 image to start from (copied, never modified)"
}

variable "kernel" {
  type = string
}

variable "initrd" {
  type = string
}

variable "cmdline" {
  type = string
}

variable "ssh_private_key_file" {
  type = string
}

variable "output_directory" {
  type = string
}

variable "box_output" {
  type = string
}

variable "box_vagrantfile" {
  type        = string
  description = "Vagrantfile template written into the box (kernel settings)"
}

source "qemu" "from_disk" {
  iso_url          = var.disk_image
  iso_checksum     = "none"
  disk_image       = true
  format           = "qcow2"
  skip_resize_disk = true
  disk_size        = "8192M" # the image's own size; also the box's metadata virtual_size
  accelerator      = "tcg"
  headless         = true
  memory           = 1024
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  output_directory = var.output_directory
  vm_name          = "box.img"
  qemuargs = [
    ["-kernel", var.kernel],
    ["-initrd", var.initrd],
    ["-append", var.cmdline],
  ]
  boot_wait            = "1s"
  communicator         = "ssh"
  ssh_username         = "vagrant"
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "20m"
  shutdown_command     = "sudo systemctl poweroff"
  shutdown_timeout     = "5m"
}

build {
  sources = ["source.qemu.from_disk"]

  provisioner "shell" {
    inline = [
      "echo packer-shell-ok | sudo tee /etc/gaev-packer-marker",
      "python3 --version",
    ]
  }

  post-processor "vagrant" {
    output               = var.box_output
    compression_level    = 1
    include              = [var.kernel, var.initrd]
    vagrantfile_template = var.box_vagrantfile
  }
}
