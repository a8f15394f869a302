#!/usr/bin/env bash
# Builds revisit and the analyze benchmark harness, generates the clean
# hotel (shared with the other scripts) and loads it into a warehouse once
# per size and shape, then measures `revisit analyze` against the one-query
# per-guest aggregate on copies of that warehouse. See bench/README.md.
#
# Environment (relative paths are taken from where you run the script):
#   GUESTS      people to generate (default 1000000; 100000 for a quick run)
#   SHAPE       dense (default: many regulars) or sparse (most guests come once)
#   BENCH_DATA  folder for binaries, data, the loaded warehouse (default ./bench-data, git-ignored)
#   BENCH_OUT   the report (default $BENCH_DATA/analyze-g$GUESTS.md, analyze-sparse-g$GUESTS.md)
#   REPEAT      runs of each side; medians are reported (default 1)
#   REGENERATE  1 to generate the data again (and load it again)
#   RELOAD      1 to load the warehouse again from the same data
# Extra arguments go to the harness (bench/analyze).
set -euo pipefail

caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$caller/$1" ;; esac; }

guests=${GUESTS:-1000000}
data=$(abs "${BENCH_DATA:-$root/bench-data}")
as_of=2026-10-31 # the data's last day
db_args=(--threads 0 --memory-limit 4GB --tz Asia/Shanghai)
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep '^REVISIT_' || true)

cd "$root"
bin=$data/bin
mkdir -p "$bin"
echo "building revisit and the harness into $bin" >&2
go build -o "$bin/revisit" ./cmd/revisit
go build -o "$bin/bench-analyze" ./bench/analyze

source "$root/bench/clean-set.sh"
ensure_clean_set
out=$(abs "${BENCH_OUT:-$data/analyze-$set_tag.md}")
mkdir -p "$(dirname "$out")"

# The loaded warehouse is never changed: the harness measures copies.
prep_dir=$data/analyze-$set_tag
db=$prep_dir/warehouse.duckdb
prep_stamp="$stamp | ingest ${db_args[*]}"
if [[ ${REGENERATE:-0} == 1 || ${RELOAD:-0} == 1 || ! -f $prep_dir/.loaded || $(<"$prep_dir/.loaded") != "$prep_stamp" ]]; then
	rm -rf "$prep_dir"
	mkdir -p "$prep_dir"
	echo "loading $set_dir into $db" >&2
	start=$SECONDS
	"$bin/revisit" ingest --db "$db" "${db_args[@]}" "$set_dir" >"$prep_dir/ingest.log" 2>&1
	echo "loaded in $((SECONDS - start)) s" >&2
	printf '%s\n' "$prep_stamp" >"$prep_dir/.loaded"
else
	echo "reusing $db (RELOAD=1 to load it again)" >&2
fi
df -h "$data" >&2

revision=$(git describe --always --dirty 2>/dev/null || echo unknown)
"$bin/bench-analyze" -db "$db" -revisit "$bin/revisit" -as-of "$as_of" -repeat "${REPEAT:-1}" \
	-label "$shape hotel, $(printf "%'d" "$guests") people" -revision "$revision" -out "$out" "$@"
echo "report written to $out" >&2
