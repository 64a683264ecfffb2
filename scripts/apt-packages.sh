#!/usr/bin/env bash
# The Debian packages every book needs: claims/<book>/apt.txt, one package a line ('#' starts a
# comment), printed space-separated for `apt-get install`. A line that is not a plain Debian package
# name (an option, a path, anything else) is refused, naming the file and the line: exit 1, nothing
# printed. Used by README's set-up and .ci/run:
#   apt-get install -y chromium $(bash scripts/apt-packages.sh)
set -euo pipefail
root="${1:-$(dirname "$0")/../claims}"
packages=()
bad=0
shopt -s nullglob
for file in "$root"/*/apt.txt; do
  # a regular file of at most 64 KiB, not a link (one to /proc/self/environ would print the environment)
  if [ -L "$file" ] || [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -gt 65536 ]; then
    echo "$file: not a regular file of at most 64 KiB (a link, a device, a FIFO or too large): refused" >&2
    bad=1
    continue
  fi
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line="${line%%#*}"
    line="${line#"${line%%[![:space:]]*}"}"   # leading and trailing blanks
    line="${line%"${line##*[![:space:]]}"}"
    [ -z "$line" ] && continue
    # Debian's name grammar, and no trailing '-' or '+' (apt-get reads them as remove / install)
    if [[ "$line" =~ ^[a-z0-9][a-z0-9.+-]*[a-z0-9.]$ ]]; then
      packages+=("$line")
    else
      echo "$file:$n: '${line:0:60}' is not a Debian package name (one name a line; none ending in - or +)" >&2
      bad=1
    fi
  done < "$file"
done
[ "$bad" -eq 0 ] || exit 1
[ "${#packages[@]}" -eq 0 ] || echo "${packages[*]}"
