#!/bin/sh
# Written by GAEV: install in the VM the exact ansible-core this project was generated
# for (its version is in gaev.lock.json), so 'ansible_local' runs the same Ansible on
# every build instead of whatever the distribution or a PPA ships that day. It goes
# into its own virtual environment, which the clean-up removes before packaging.
#
# Usage: install-ansible.sh VERSION MIN_PYTHON     e.g. install-ansible.sh 2.19.14 3.11
set -eu

version="$1"
min_python="$2"
venv=/opt/gaev/ansible

installed() {
  [ -x "$venv/bin/ansible-playbook" ] &&
    [ "$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)' 2>/dev/null)" = "$version" ]
}

# The first Python new enough for this ansible-core that can make a venv.
find_python() {
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c "import sys, ensurepip; sys.exit(sys.version_info < tuple(map(int, '$min_python'.split('.'))))" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if installed; then
  echo "gaev: ansible-core $version is already installed in $venv"
else
  python=$(find_python) || {
    echo "gaev: installing a Python >= $min_python with venv support"
    if command -v apt-get >/dev/null 2>&1; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y --no-install-recommends python3-venv ||
        { apt-get update && apt-get install -y --no-install-recommends python3-venv; }
    elif command -v dnf >/dev/null 2>&1; then
      # EL 9's python3 is 3.9; AppStream has newer ones.
      dnf install -y python3.12 python3.12-pip
    fi
    python=$(find_python) || { echo "gaev: no Python >= $min_python with venv on this machine" >&2; exit 1; }
  }
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  # The machine's own CA bundle: pip then trusts what the machine trusts (a lab's proxy).
  for bundle in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
    if [ -f "$bundle" ]; then export PIP_CERT="$bundle"; break; fi
  done
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  # A system pip >= 22.3 installs into a venv made without pip (--python): that skips
  # unpacking pip and setuptools into the venv, minutes on a slow (emulated) machine.
  if "$python" -m pip --version 2>/dev/null | awk '{split($2, v, "."); exit !(v[1] > 22 || (v[1] == 22 && v[2] >= 3))}'; then
    "$python" -m venv --without-pip "$venv"
    "$python" -m pip --python "$venv/bin/python" install --no-cache-dir --quiet "ansible-core==$version"
  else
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --no-cache-dir --quiet "ansible-core==$version"
  fi
  installed || { echo "gaev: ansible-core $version did not install" >&2; exit 1; }
  echo "gaev: installed ansible-core $version in $venv"
fi

# ansible_local calls ansible and ansible-playbook from PATH.
for tool in "$venv"/bin/ansible*; do
  ln -sf "$tool" "/usr/local/bin/$(basename "$tool")"
done
