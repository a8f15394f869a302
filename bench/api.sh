#!/usr/bin/env bash
# Builds revisit and the API benchmark harness, prepares an analysed
# warehouse with a callback worklist (once per size), and runs the harness.
# See bench/README.md.
#
# Environment (relative paths are taken from where you run the script):
#   GUESTS      people to generate (default 1000000; 20000 for a quick check)
#   SHAPE       dense (default) or sparse: the generated clientele
#   BENCH_DATA  folder for binaries, data, the prepared warehouse, logs
#               (default: ./bench-data in the repo, git-ignored)
#   BENCH_OUT   the report (default: $BENCH_DATA/api-g$GUESTS.md, api-sparse-g$GUESTS.md; git-ignored with it)
#   RATE        requests a second of the load test (default 200)
#   DURATION    length of each load test (default 30s)
#   REGENERATE  1 to generate the data again (and so prepare it again)
#   REPREPARE   1 to prepare the warehouse again from the same data
# Extra arguments go to the harness (bench/api).
set -euo pipefail

caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$caller/$1" ;; esac; }

guests=${GUESTS:-1000000}
data=$(abs "${BENCH_DATA:-$root/bench-data}")
# The analysed day is the data's last day; callbacks are generated at the
# end of it, so the butlers have the last two days' departures to call.
as_of=2026-10-31
callbacks_at="2026-11-01 00:00"
db_args=(--threads 0 --memory-limit 4GB --tz Asia/Shanghai)

# The flags say everything: no REVISIT_* variable changes what is measured.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep '^REVISIT_' || true)

cd "$root"
bin=$data/bin
mkdir -p "$bin"
echo "building revisit and the harness into $bin" >&2
go build -o "$bin/revisit" ./cmd/revisit
go build -o "$bin/bench-api" ./bench/api

source "$root/bench/clean-set.sh"
ensure_clean_set
out=$(abs "${BENCH_OUT:-$data/api-$set_tag.md}")
mkdir -p "$(dirname "$out")"

# The prepared warehouse is kept and never changed: the harness measures
# copies of it. It is made again when the data or the steps change.
prep_dir=$data/api-$set_tag
db=$prep_dir/warehouse.duckdb
prep_stamp="$stamp | ingest ${db_args[*]} | analyze --as-of $as_of | callbacks generate --as-of $callbacks_at"
if [[ ${REGENERATE:-0} == 1 || ${REPREPARE:-0} == 1 || ! -f $prep_dir/.prepared ||
	$(head -n 1 "$prep_dir/.prepared") != "$prep_stamp" ]]; then
	rm -rf "$prep_dir"
	mkdir -p "$prep_dir"
	log=$prep_dir/prepare.log
	echo "preparing $db (log: $log)" >&2
	start=$SECONDS
	"$bin/revisit" ingest --db "$db" "${db_args[@]}" "$set_dir" >>"$log" 2>&1
	echo "  ingested in $((SECONDS - start)) s" >&2
	"$bin/revisit" analyze --db "$db" "${db_args[@]}" --as-of "$as_of" >>"$log" 2>&1
	echo "  analysed as of $as_of at $((SECONDS - start)) s" >&2
	"$bin/revisit" callbacks generate --db "$db" "${db_args[@]}" --as-of "$callbacks_at" | tee -a "$log" >&2
	revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	[[ -z $(git status --porcelain 2>/dev/null) ]] || revision+="+dirty"
	printf '%s\nprepared with %s\n' "$prep_stamp" "$revision" >"$prep_dir/.prepared"
	echo "prepared in $((SECONDS - start)) s" >&2
else
	echo "reusing $db (REPREPARE=1 to make it again)" >&2
fi
df -h "$data" >&2

"$bin/bench-api" -db "$db" -as-of "$as_of" -data "$(basename "$set_dir")" \
	-prepared "$(sed -n 2p "$prep_dir/.prepared")" \
	-rate "${RATE:-200}" -duration "${DURATION:-30s}" -out "$out" "$@"
echo "report written to $out" >&2
