#!/usr/bin/env bash
# Builds revisit and the ingest benchmark harness, generates clean export
# files (once per size), and runs the harness. See bench/README.md.
#
# Environment (relative paths are taken from where you run the script):
#   GUESTS      people to generate (default 1000000, ≈10M stays; 100000 for a quick run)
#   SHAPE       dense (default) or sparse (most guests come once, ≈2.2M stays for 1M people)
#   BENCH_DATA  folder for binaries, data, logs (default: ./bench-data in the repo, git-ignored)
#   BENCH_OUT   the report (default: bench-results.md in the current folder)
#   REPEAT      runs per measurement; the median is reported (default 1)
#   REGENERATE  1 to generate the data again even if it is there
# Extra arguments go to the harness (bench/ingest).
set -euo pipefail

caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$caller/$1" ;; esac; }

guests=${GUESTS:-1000000}
data=$(abs "${BENCH_DATA:-$root/bench-data}")
out=$(abs "${BENCH_OUT:-bench-results.md}")
repeat=${REPEAT:-1}
mkdir -p "$(dirname "$out")"

cd "$root"
bin=$data/bin
mkdir -p "$bin"
echo "building revisit and the harness into $bin" >&2
go build -o "$bin/revisit" ./cmd/revisit
go build -o "$bin/bench-ingest" ./bench/ingest

source "$root/bench/clean-set.sh"
ensure_clean_set
df -h "$data" >&2

logs=$data/logs/$(date -u +%Y%m%dT%H%M%SZ)-$set_tag
revision=$(git describe --always --dirty 2>/dev/null || echo unknown)
"$bin/bench-ingest" -revisit "$bin/revisit" -data "$set_dir" -out "$out" -repeat "$repeat" \
	-logs "$logs" -revision "$revision" "$@"
echo "report written to $out; revisit's progress lines in $logs" >&2
