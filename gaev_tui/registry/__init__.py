"""Box registries: plain files Vagrant already understands, on a directory or an
S3-compatible bucket. ``ORG/BOX/metadata.json`` (Vagrant's box-metadata format), box
files under ``ORG/BOX/VERSION/PROVIDER/ARCH/``, and at the root ``gaev-registry.json``
(what GAEV needs to know: the public base URL) and an index of every box.

UI-free: the CLI (``gaev registry``, ``gaev publish``, ``gaev get``) and the Share
screen call it.
"""
