#!/bin/sh
# Written by GAEV: Apple's Command Line Tools, whose python3 the host's Ansible runs its
# modules on (macOS's own /usr/bin/python3 is only a stub until they are installed).
# The headless install that Homebrew's installer does: the placeholder file makes
# 'softwareupdate' list the tools, which are then installed by their label.
set -eu

tools=/Library/Developer/CommandLineTools
if [ -x "$tools/usr/bin/python3" ]; then
  exit 0
fi
placeholder=/tmp/.com.apple.dt.CommandLineTools.installondemand.in-progress
touch "$placeholder"
# The newest label is listed last ("* Label: Command Line Tools for Xcode-12.4").
label=$(/usr/sbin/softwareupdate -l 2>/dev/null | grep -B 1 -E 'Command Line Tools' |
  awk -F'*' '/^ *\*/ {print $2}' | sed -e 's/^ *Label: //' -e 's/^ *//' | tail -n 1)
if [ -z "$label" ]; then
  rm -f "$placeholder"
  echo "GAEV: softwareupdate offers no Command Line Tools: install them in the VM (xcode-select --install), then run 'vagrant provision'" >&2
  exit 1
fi
/usr/sbin/softwareupdate -i "$label"
/usr/bin/xcode-select --switch "$tools"
rm -f "$placeholder"
"$tools/usr/bin/python3" --version
