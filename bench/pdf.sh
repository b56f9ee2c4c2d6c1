#!/usr/bin/env bash
# Times the PDF documents (release build): the Metz contract (`contrat.pdf` and its
# fiches) and a synthetic contract of 500 actions. Median of 3 runs.
# Usage: bench/pdf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() {
  local times=() secs
  for _ in 1 2 3; do
    rm -rf "$work/out"
    /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null 2>&1
    read -r secs < "$work/time"
    times+=("$secs")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
python3 bench/generate.py 500 "$work/repo-500"
printf '%-34s %s\n' "document" "temps médian"
# The site alone, then the site with its PDF: the difference is the PDF.
metz_html=$(median target/release/clsm build --sans-pdf --out "$work/out")
metz_pdf=$(median target/release/clsm build --out "$work/out")
printf '%-34s %s s (site seul : %s s)\n' "Metz : site + contrat.pdf + fiches" "$metz_pdf" "$metz_html"
big_html=$(median target/release/clsm build --sans-pdf --repo "$work/repo-500" --out "$work/out")
big_pdf=$(median target/release/clsm build --repo "$work/repo-500" --out "$work/out")
printf '%-34s %s s (site seul : %s s)\n' "500 actions : site + PDF" "$big_pdf" "$big_html"
