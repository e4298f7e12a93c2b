"""GAEV: build, share and re-create virtual machines for scientific software.

The package is split in two layers: the core (every module here except ``app``,
``screens/`` and ``widgets/``) never imports Textual, so that each action is also a
``gaev`` sub-command usable in CI; the TUI is a face on that core.
"""

__version__ = "0.1.0"
