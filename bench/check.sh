#!/usr/bin/env bash
# Measures `clsm check` (release build) on synthetic repositories of 1,000 and 10,000
# actions: median wall time of 5 runs and peak resident memory.
# Usage: bench/check.sh [N ...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
printf '%8s  %12s  %14s  %s\n' "actions" "temps médian" "mémoire max" "(5 exécutions)"
for n in "${sizes[@]}"; do
  repo="$work/repo-$n"
  python3 bench/generate.py "$n" "$repo"
  # One untimed run warms the file cache; it must also find no problem at all.
  target/release/clsm check --strict --repo "$repo" 2>/dev/null
  times=() ; peak=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %M' -o "$work/time" target/release/clsm check --repo "$repo" 2>/dev/null
    read -r secs kib < "$work/time"
    times+=("$secs")
    (( kib > peak )) && peak=$kib
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  printf '%8s  %10s s  %10s MiB\n' "$n" "$median" "$(( peak / 1024 ))"
done
