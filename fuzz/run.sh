#!/usr/bin/env bash
# Fuzzes the loader and the checks for SECONDS (default 600), seeded with every
# fiche of the fixtures, the Metz repository and the examples. A crash is saved
# under fuzz/artifacts/loader/: turn it into a fixture under tests/fixtures/.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is told to
# accept the sanitizer flags with RUSTC_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
mkdir -p fuzz/corpus/loader
i=0
for f in tests/fixtures/*/fiches/*/*.md fiches/*/*.md examples/*/fiches/*/*.md; do
  cp "$f" "fuzz/corpus/loader/seed-$i"
  i=$((i + 1))
done
RUSTC_BOOTSTRAP=1 cargo fuzz run loader -O -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048
