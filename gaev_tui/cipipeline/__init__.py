"""CI pipelines for GAEV projects (``gaev ci gitlab|github``): validate every project,
build each on a runner that has its provider, publish the box (or keep it as an
artefact), cache Vagrant's boxes between jobs. UI-free; one job set per project."""
