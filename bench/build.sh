#!/usr/bin/env bash
# Compares `clsm build` (release) with Hugo building the same Markdown fiches with an
# equivalent one-page template, on synthetic repositories of 1,000 and 10,000 actions,
# measured in the same run. Two cases: a build into a new, empty folder, and a
# rebuild over the previous output (the everyday case: clsm leaves unchanged files
# alone, Hugo rewrites them). Reports the median wall time of 3 runs, the peak
# memory, and the ratio clsm / Hugo (the target: at most 0.33 into an empty folder, at
# 10,000 actions, with a peak under 200 MiB). clsm's time includes `clsm check`, which every
# build runs first. Needs `hugo` (Debian package). Usage: bench/build.sh [N ...]
# The files go to a temporary folder under `$BENCH_DIR` (default: the system's
# temporary folder); `BENCH_DIR=/dev/shm` measures in memory, without the disk,
# whose cost of creating 10,000 files varies from one run to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hugo >/dev/null || { echo "hugo est nécessaire : apt-get install hugo" >&2; exit 2; }
cargo build --release --quiet
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/clsm-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)

# median_and_peak FRESH OUT CMD...: runs CMD 3 times writing into OUT, which is
# emptied first when FRESH is 1; prints "median_seconds peak_mib".
median_and_peak() {
  local fresh=$1 out=$2 times=() peak=0 secs kib
  shift 2
  for _ in 1 2 3; do
    if [ "$fresh" = 1 ]; then rm -rf "$out"; sync; fi
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1
    read -r secs kib < "$work/time"
    times+=("$secs")
    (( kib > peak )) && peak=$kib
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p) $(( peak / 1024 ))"
}

hugo_site() {  # hugo_site REPO DIR: a Hugo site over the same action files
  local repo=$1 dir=$2
  mkdir -p "$dir/content/actions" "$dir/layouts/_default"
  cp "$repo"/fiches/actions/*.md "$dir/content/actions/"
  cat > "$dir/hugo.toml" <<'TOML'
baseURL = "http://localhost/"
languageCode = "fr"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
TOML
  cat > "$dir/layouts/_default/single.html" <<'HTML'
<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Params.titre }}</title></head>
<body><main><h1>{{ with .Params.numero }}Fiche n°{{ . }} {{ end }}{{ .Params.titre }}</h1>
<dl><dt>Objectif stratégique</dt><dd>{{ .Params.objectif_strategique }}</dd>
<dt>Porteur</dt><dd>{{ .Params.porteur }}</dd>
<dt>Partenaires</dt><dd>{{ range .Params.partenaires }}{{ . }} {{ end }}</dd></dl>
<table><caption>Objectifs opérationnels</caption>{{ range .Params.objectifs_operationnels }}<tr><th>{{ .titre }}</th><td>{{ .comment }}</td><td>{{ .quand }}</td></tr>{{ end }}</table>
<table><caption>Budget</caption>{{ range .Params.budget }}<tr><th>{{ .poste }}</th><td>{{ .montant }}</td></tr>{{ end }}</table>
<ol>{{ range .Params.avancement }}<li>{{ .date }} : {{ .texte }}</li>{{ end }}</ol>
{{ .Content }}</main></body></html>
HTML
  cat > "$dir/layouts/_default/list.html" <<'HTML'
<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Params.titre }}</a></li>{{ end }}</ul></body></html>
HTML
}

printf '%8s  %-11s  %16s  %16s  %9s\n' "actions" "cas" "clsm build" "hugo" "clsm/hugo"
for n in "${sizes[@]}"; do
  repo="$work/repo-$n"
  python3 bench/generate.py "$n" "$repo"
  hugo_site "$repo" "$work/hugo-$n"
  for case in nouveau reconstruit; do
    fresh=$([ "$case" = nouveau ] && echo 1 || echo 0)
    read -r c_secs c_mib <<< "$(median_and_peak "$fresh" "$work/out-$n" \
      target/release/clsm build --sans-pdf --repo "$repo" --out "$work/out-$n")"
    read -r h_secs h_mib <<< "$(median_and_peak "$fresh" "$work/hugo-out-$n" \
      hugo --source "$work/hugo-$n" --destination "$work/hugo-out-$n" --quiet)"
    ratio=$(python3 -c "print(f'{$c_secs / max($h_secs, 0.01):.2f}')")
    printf '%8s  %-11s  %6s s %5s Mio  %6s s %5s Mio  %8s\n' "$n" "$case" "$c_secs" "$c_mib" "$h_secs" "$h_mib" "$ratio"
  done
done
