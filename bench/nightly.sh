#!/usr/bin/env bash
# The whole nightly pipeline on a generated hotel, as `revisit nightly` runs
# it: each step's time from the job history, and the process's wall time and
# peak memory from outside. See bench/README.md.
#
#   GUESTS      people (default 1000000; the generated set is shared with bench/ingest.sh)
#   SHAPE       dense (default) or sparse: the generated clientele
#   BENCH_DATA  as for bench/ingest.sh (default ./bench-data)
#   BENCH_OUT   the report (default $BENCH_DATA/nightly-g$GUESTS.md, nightly-sparse-g$GUESTS.md)
set -euo pipefail
caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$caller/$1" ;; esac; }
guests=${GUESTS:-1000000}
data=$(abs "${BENCH_DATA:-$root/bench-data}")
cd "$root"
mkdir -p "$data/bin"
go build -o "$data/bin/revisit" ./cmd/revisit
bin=$data/bin
source "$root/bench/clean-set.sh"
ensure_clean_set
out=$(abs "${BENCH_OUT:-$data/nightly-$set_tag.md}")
work=$(mktemp -d "$data/nightly-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
# Hard links: the night moves its files, the generated set stays.
for f in "$set_dir"/*.csv; do ln "$f" "$work/inbox/"; done
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep '^REVISIT_' || true)
start=$(date +%s.%N)
/usr/bin/time -f '%M %e' -o "$work/time" "$data/bin/revisit" nightly --db "$work/w.duckdb" --inbox "$work/inbox" \
	--outbox "$work/outbox" --as-of 2026-10-31 --json --threads 0 --memory-limit 4GB --tz Asia/Shanghai \
	>"$work/runs.json" 2>"$work/stderr"
read -r peak_kib wall <"$work/time"
python3 - "$work/runs.json" "$peak_kib" "$wall" "$guests" "$(git rev-parse --short HEAD)" "$shape" >"$out" <<'PY'
import json, sys, platform
runs = json.load(open(sys.argv[1]))
peak = int(sys.argv[2]) / 1024
wall = float(sys.argv[3])
r = runs[0]
cpu = open('/proc/cpuinfo').read().count('processor\t:')
print(f"## Nightly pipeline, {int(sys.argv[4]):,} guests, {sys.argv[6]} hotel (commit {sys.argv[5]})\n")
print(f"- Machine: {cpu} cores, Linux {platform.release()}")
print(f"- Status: {r['status']}\n")
print("| step | seconds | counts |\n|---|--:|---|")
for s in r['steps']:
    counts = ', '.join(f"{k} {v:,}" for k, v in sorted((s.get('counts') or {}).items()))
    print(f"| {s['name']} | {s['ms']/1000:.1f} | {counts} |")
print(f"| **total (process, from outside)** | **{wall:.1f}** | peak RSS **{peak:,.0f} MiB** |\n")
print(f"Targets: under 180 s — {'met' if wall < 180 else 'NOT met'}; under 4 GiB — {'met' if peak < 4096 else 'NOT met'}.")
PY
cat "$out"
