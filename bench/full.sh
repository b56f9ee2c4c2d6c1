#!/usr/bin/env bash
# The full build, with every PDF (release build), on synthetic repositories: wall
# time, peak resident memory (`/usr/bin/time -v`), and how time grows from the first
# size to each other one, measured in the same run. The targets: peak memory at most
# 1.5 GiB at 10,000 actions, and time at 10,000 at most 5.5 times the time at 2,000
# (linear would be 5).
# Usage: bench/full.sh [N ...]   (default: 2000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(2000 10000)
printf '%8s  %10s  %12s  %10s  %s\n' "actions" "temps" "mémoire max" "PDF" "temps / temps à ${sizes[0]}"
first=""
for n in "${sizes[@]}"; do
  repo="$work/repo-$n"
  python3 bench/generate.py "$n" "$repo"
  rm -rf "$work/out"
  /usr/bin/time -v -o "$work/time" target/release/clsm build --delai 7200 --repo "$repo" --out "$work/out" 2>/dev/null
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
  kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
  pdfs=$(find "$work/out" -name '*.pdf' | wc -l)
  [ -z "$first" ] && first=$secs
  printf '%8s  %8.1f s  %8s MiB  %10s  %.2f\n' "$n" "$secs" "$(( kib / 1024 ))" "$pdfs" "$(echo "$secs / $first" | bc -l)"
  rm -rf "$repo" "$work/out"
done
