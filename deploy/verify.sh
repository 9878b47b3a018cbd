#!/usr/bin/env bash
# Checks the systemd units in deploy/systemd (run by .ci/run; needs the `systemd` package, not a
# running systemd). Each unit is verified with `systemd-analyze verify` inside a scratch root that
# holds the system's own units, the units from here and an executable at every ExecStart and
# ExecReload path (the template as the instance @door-1): any error or warning fails. Then
# `systemd-analyze security --offline` rates each unit's exposure; above MAX_EXPOSURE fails.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXPOSURE="${MAX_EXPOSURE:-2.0}"

command -v systemd-analyze >/dev/null || { echo "deploy/verify.sh: systemd-analyze not found (apt-get install systemd)" >&2; exit 1; }
[ -d /lib/systemd/system ] || { echo "deploy/verify.sh: /lib/systemd/system missing (apt-get install systemd)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/lib/systemd" "$root/etc/systemd/system"
cp -a /lib/systemd/system "$root/lib/systemd/"
units=()
for f in deploy/systemd/*.service; do
  name=$(basename "$f")
  cp "$f" "$root/etc/systemd/system/$name"
  for exe in $(sed -n 's/^Exec\(Start\|Reload\)=\([^ ]*\).*/\2/p' "$f"); do
    mkdir -p "$root$(dirname "$exe")"
    printf '#!/bin/sh\n' >"$root$exe"
    chmod 755 "$root$exe"
  done
  if [[ "$name" == *@.service ]]; then
    instance="${name%@.service}@door-1.service"
    ln -s "$name" "$root/etc/systemd/system/$instance"
    units+=("etc/systemd/system/$instance")
  else
    units+=("etc/systemd/system/$name")
  fi
done

status=0
out=$(cd "$root" && systemd-analyze verify --man=no --generators=no --root="$root" "${units[@]}" 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$out" ]; then
  echo "deploy/verify.sh: systemd-analyze verify (exit $status):" >&2
  echo "$out" >&2
  exit 1
fi
for u in "${units[@]}"; do
  line=$(cd "$root" && systemd-analyze security --offline=yes --root="$root" --no-pager "$u" 2>&1 | tail -1)
  level=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")
  echo "deploy/verify.sh: $(basename "$u"): verified; exposure $level (systemd-analyze security)"
  if [ -z "$level" ] || awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l > m) }'; then
    echo "deploy/verify.sh: $(basename "$u"): exposure '$level' is above $MAX_EXPOSURE: $line" >&2
    exit 1
  fi
done
