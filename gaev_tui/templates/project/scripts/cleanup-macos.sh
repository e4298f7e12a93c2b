#!/bin/sh
# Written by GAEV: shrink a macOS VM before 'vagrant package'. Every step must succeed;
# a failure stops the build rather than shipping a box in an unknown state.
set -eu

# What GAEV downloaded (the installers; the receipts in /var/lib/gaev/installed stay:
# they say what was installed) and what Ansible left behind.
rm -rf /var/lib/gaev/downloads /tmp/gaev-homebrew-install.sh
rm -rf /var/root/.ansible /Users/*/.ansible

# Homebrew's downloads and old versions; brew refuses root, so it runs as its owner.
for brew in /usr/local/bin/brew /opt/homebrew/bin/brew; do
  if [ -x "$brew" ]; then
    sudo -u "$(stat -f %Su "$brew")" "$brew" cleanup --prune=all
  fi
done
rm -rf /Users/*/Library/Caches/Homebrew /Library/Caches/Homebrew

# Caches, logs and shell history of the build are not part of the environment.
rm -rf /Users/*/Library/Caches/pip /var/root/Library/Caches/pip /Library/Caches/com.apple.SoftwareUpdate
rm -f /var/root/.bash_history /var/root/.zsh_history /Users/*/.bash_history /Users/*/.zsh_history
rm -rf /var/root/.bash_sessions /var/root/.zsh_sessions /Users/*/.bash_sessions /Users/*/.zsh_sessions
rm -rf /Library/Logs/DiagnosticReports/* /private/var/log/asl/*.asl
find /private/var/log -type f \( -name '*.gz' -o -name '*.bz2' -o -name '*.[0-9]' \) -delete
find /private/var/log -type f -name '*.log' -exec sh -c ': > "$1"' sh {} \;

# No zero-fill here, unlike Linux guests: filling an APFS container to the last block
# can leave it without room for its own metadata and snapshots (APFS needs free space
# to write at all), which risks the box itself. The box compresses less; it stays sound.
sync
