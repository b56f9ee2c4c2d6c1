#!/usr/bin/env bash
# Measures what `clsm check` (release build) costs per diagnostic: one fiche with N
# unknown keys, for N = 12,500, 25,000 and 50,000 (100,000 keys pass the 1 Mo bound of a front matter), in both output formats. The cost
# must grow linearly: each doubling of N should about double the time (ratio ≈ 2).
# Usage: bench/diagnostics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%8s  %8s  %10s  %s\n' "clés" "format" "temps" "rapport au précédent"
for format in texte json; do
  previous=""
  for n in 12500 25000 50000; do
    repo="$work/repo-$n"
    if [ ! -d "$repo" ]; then
      mkdir -p "$repo/fiches/actions" "$repo/fiches/partenaires"
      printf 'titre = "Banc"\ntype = "CLS"\n[[axes]]\nid = "1"\ntitre = "Axe"\n' > "$repo/clsm.toml"
      printf -- '---\nnom: Porteur\n---\n' > "$repo/fiches/partenaires/porteur.md"
      python3 -c "
import sys
n = int(sys.argv[1])
print('---\ntitre: A\naxe: \"1\"\nstatut: piste\nporteur: porteur')
for i in range(n): print(f'cle{i}: x')
print('---')" "$n" > "$repo/fiches/actions/a.md"
    fi
    /usr/bin/time -f '%e' -o "$work/time" target/release/clsm check --format "$format" --repo "$repo" >/dev/null 2>&1 || true
    secs=$(cat "$work/time")
    ratio=""
    [ -n "$previous" ] && ratio=$(python3 -c "print(f'{$secs / $previous:.2f}')")
    printf '%8s  %8s  %8s s  %s\n' "$n" "$format" "$secs" "$ratio"
    previous=$secs
  done
done
