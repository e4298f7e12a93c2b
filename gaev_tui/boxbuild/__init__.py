"""Build pipeline core: run packer/vagrant, stream logs, cancel, detach (no Textual)."""
