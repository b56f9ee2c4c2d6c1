#!/usr/bin/env bash
# Measures `clsm check` (release build) on synthetic repositories of 1,000 and 10,000
# actions: median wall time of 5 runs and peak resident memory, against merely reading
# every file it reads (`cat` of `clsm.toml` and every fiche, measured the same way).
# Both warm (the files in the page cache) and, when the page cache can be emptied
# (root, `/proc/sys/vm/drop_caches`), cold. The target: check at most 1.2 × reading.
# Usage: bench/check.sh [N ...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
printf '%8s  %-6s  %12s  %14s  %12s  %s\n' "actions" "cache" "check" "mémoire max" "lecture" "check / lecture"

# cold: empties the page cache; fails where it cannot.
cold() { sync; echo 3 2>/dev/null > /proc/sys/vm/drop_caches; }

# median CACHE CMD...: median wall time of 5 runs of CMD, the cache emptied before
# each when CACHE is `froid`; writes the largest resident memory, in KiB, to `$work/peak`.
median() {
  local cache=$1 times=() secs kib peak=0
  shift
  for _ in 1 2 3 4 5; do
    [ "$cache" = froid ] && cold
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
    read -r secs kib < "$work/time"
    times+=("$secs")
    (( kib > peak )) && peak=$kib
  done
  echo "$peak" > "$work/peak"
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
caches=(chaud)
cold 2>/dev/null && caches+=(froid)
for n in "${sizes[@]}"; do
  repo="$work/repo-$n"
  python3 bench/generate.py "$n" "$repo"
  # One untimed run warms the file cache; it must also find no problem at all.
  target/release/clsm check --strict --repo "$repo" 2>/dev/null
  for cache in "${caches[@]}"; do
    check=$(median "$cache" target/release/clsm check --repo "$repo")
    check_peak=$(cat "$work/peak")
    reading=$(median "$cache" sh -c "find '$repo/fiches' -name '*.md' -exec cat '$repo/clsm.toml' {} +")
    ratio=$(python3 -c "print(f'{$check / max($reading, 0.01):.2f}')")
    printf '%8s  %-6s  %10s s  %10s MiB  %10s s  %s\n' "$n" "$cache" "$check" "$(( check_peak / 1024 ))" "$reading" "$ratio"
  done
done
