#!/bin/sh
# Written by GAEV: give JupyterHub's admin the password found in the environment
# variable GAEV_HUB_ADMIN_PASSWORD of the machine that runs the build (Vagrant passes
# it to this script as a sensitive value: it is hidden from Vagrant's output and never
# written to a file of the project). Without it, the admin account stays unclaimed
# and its FIRST login chooses the password: log in as the admin right after the build.
#
# Usage: hub-admin-password.sh ADMIN_USER [HUB_PREFIX]
# The password is stored as TLJH itself stores one (tljh/installer.py ensure_admins):
# a bcrypt hash in FirstUseAuthenticator's passwords.dbm.
set -eu

admin="$1"
prefix="${2:-/opt/tljh}"

if [ -z "${GAEV_HUB_ADMIN_PASSWORD:-}" ]; then
  echo "gaev: GAEV_HUB_ADMIN_PASSWORD is not set: the first login as '$admin' will choose the admin's password"
  exit 0
fi

GAEV_HUB_ADMIN="$admin" GAEV_HUB_STATE="$prefix/state" "$prefix/hub/bin/python3" - <<'PYTHON'
import dbm
import os

import bcrypt

admin = os.environ["GAEV_HUB_ADMIN"]
password = os.environ.pop("GAEV_HUB_ADMIN_PASSWORD").encode()
state = os.environ["GAEV_HUB_STATE"]
os.makedirs(state, mode=0o700, exist_ok=True)
with dbm.open(os.path.join(state, "passwords.dbm"), "c", 0o600) as db:
    stored = db.get(admin.encode())
    if stored is not None and bcrypt.checkpw(password, stored):
        print(f"gaev: the admin '{admin}' already has this password")
    else:
        db[admin.encode()] = bcrypt.hashpw(password, bcrypt.gensalt())
        print(f"gaev: set the password of the admin '{admin}'")
PYTHON
