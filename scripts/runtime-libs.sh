#!/usr/bin/env bash
# Proves, without a Docker engine, that the Dockerfile's runtime image
# (debian:bookworm-slim, nothing installed on top) has every library the
# revisit binary needs:
#
#   1. build the binary as the Dockerfile's build stage does (cgo, on Debian 12);
#   2. list what it asks the dynamic loader for (PT_INTERP, NEEDED, and the
#      libraries those pull in) and which Debian packages hold them (dpkg -S);
#   3. show that those packages are in debian:bookworm-slim (see below);
#   4. fetch exactly those packages from Debian 12 (apt-get download), unpack
#      them into an empty folder, and run the binary with that folder's
#      loader and libraries only: a demo night, then `serve` answering the
#      image's health check, `revisit health`;
#   5. check that nothing came from this machine: every path the loader
#      tried (its LD_DEBUG trace) and every shared object the running server
#      had mapped (/proc/PID/maps) is inside that folder.
#
# Why the packages are in debian:bookworm-slim: the official Debian images
# are made by debuerreotype with `debootstrap --variant=minbase`, which
# installs every package of Priority: required (Essential ones are all
# required) plus apt, and the Depends/Pre-Depends they pull in, choosing the
# first of alternatives. The slim variant then only leaves out
# documentation, man pages and locales, never libraries. In Debian 12 the
# libraries themselves are Priority: optional, so step 3 walks that
# dependency closure over this machine's Debian 12 package lists (bookworm,
# -updates, -security: the suites the image is built from) and prints, for
# each package, the chain that brings it in (for example `apt -> libstdc++6`).
# Versions are this machine's apt candidates, the ones a current
# bookworm-slim carries; run `apt-get update` first to be current.
#
# Needs: Debian 12 (as golang:1.26-bookworm is), Go, gcc, apt-get, dpkg,
# readelf (binutils). Run from anywhere in a clone: scripts/runtime-libs.sh
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "runtime-libs: $*" >&2; exit 1; }

# shellcheck source=/dev/null
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] ||
  die "this machine is ${PRETTY_NAME:-unknown}: build on Debian 12 (bookworm), as the image's build stage does, or the binary may need a newer glibc than the image has"
for tool in go gcc readelf ldd dpkg dpkg-deb apt-get apt-cache; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

work=$(mktemp -d)
serve_pid=
cleanup() {
  local status=$?
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then
    echo "runtime-libs: FAILED; logs and the unpacked root are kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# 1. The binary, built as in the Dockerfile.
bin=$work/revisit
echo "== building with $(go version | cut -d' ' -f3-) on $PRETTY_NAME"
CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -o "$bin" ./cmd/revisit

# 2. What the loader is asked for, and which packages hold it.
interp=$(readelf -lW "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
[ -n "$interp" ] || die "the binary names no program interpreter: is it static?"
mapfile -t needed < <(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
echo "== program interpreter: $interp"
echo "== NEEDED: ${needed[*]}"
echo "== newest symbol versions it asks for:"
readelf -VW "$bin" | grep -o 'Name: [A-Z]*_[0-9][0-9.]*' | cut -d' ' -f2 |
  sort -t_ -k1,1 -k2,2V | awk -F_ '{last[$1]=$0} END {for (f in last) print "   " last[f]}' | sort

# Every library the host's loader resolves (NEEDED and what they need).
mapfile -t libpaths < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
owner() { # the package that ships path (Debian 12 ships some under /lib, some under /usr/lib)
  local p
  for p in "$1" "${1#/usr}" "/usr$1"; do
    if dpkg -S "$p" 2>/dev/null | awk -F': ' '$1 !~ / / && $2 ~ /^\// {sub(/:.*/, "", $1); print $1; found=1} END {exit !found}'; then
      return 0
    fi
  done
  die "no package ships $1"
}
declare -A pkg_of
for p in "${libpaths[@]}"; do pkg_of[$p]=$(owner "$p"); done
mapfile -t pkgs < <(printf '%s\n' "${pkg_of[@]}" | sort -u)
echo "== libraries and their packages:"
for p in "${libpaths[@]}"; do printf '   %-45s %s\n' "$p" "${pkg_of[$p]}"; done

# 3. Those packages are in debootstrap's minbase, hence in bookworm-slim.
declare -A parent
mapfile -t frontier < <(
  apt-cache dumpavail | awk 'BEGIN {RS = ""; FS = "\n"} {
    name = ""; base = 0
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^Package: /) name = substr($i, 10)
      if ($i ~ /^(Essential: yes|Priority: required)$/) base = 1
    }
    if (base) print name
  }' | sort -u
  echo apt)
for p in "${frontier[@]}"; do parent[$p]=; done
[ "${#frontier[@]}" -gt 20 ] || die "only ${#frontier[@]} required packages in the apt lists: run apt-get update"
while [ "${#frontier[@]}" -gt 0 ]; do
  # apt-cache prints each package, then its dependencies; "|" marks an
  # alternative with the next line, and debootstrap takes the first.
  mapfile -t edges < <(apt-cache depends --important "${frontier[@]}" 2>/dev/null | awk '
    /^[^ ]/ {from = $1; alt = 0; next}
    /^ \|(Pre)?Depends: / {if (!alt) print from, $2; alt = 1; next}
    /^  (Pre)?Depends: /  {if (!alt) print from, $2; alt = 0; next}')
  frontier=()
  for e in "${edges[@]}"; do
    from=${e% *} to=${e#* }
    to=${to%:any}
    case $to in "<"*) continue ;; esac # a virtual package
    if [ -z "${parent[$to]+set}" ]; then parent[$to]=$from; frontier+=("$to"); fi
  done
done
chain() {
  local p=$1 c=$1
  while [ -n "${parent[$p]}" ]; do p=${parent[$p]}; c="$p -> $c"; done
  echo "$c  [$p: $(apt-cache show --no-all-versions "$p" | awk '/^(Essential|Priority):/ {printf "%s%s", sep, $0; sep = ", "}')]"
}
echo "== in debian:bookworm-slim (minbase: ${#parent[@]} packages) because:"
for p in "${pkgs[@]}"; do
  [ -n "${parent[$p]+set}" ] || die "$p is not in debootstrap's minbase: the runtime image would lack it"
  echo "   $(chain "$p")"
done

# 4. Exactly those packages, unpacked into an empty root.
mkdir "$work/debs" "$work/root"
apt_opts=()
[ "$(id -u)" -ne 0 ] || apt_opts=(-o APT::Sandbox::User=root) # a private folder _apt cannot write to
echo "== fetched from Debian 12:"
for p in "${pkgs[@]}"; do
  version=$(apt-cache policy "$p" | awk '$1 == "Candidate:" {print $2}')
  (cd "$work/debs" && apt-get -qq "${apt_opts[@]}" download "$p=$version")
  printf '   %-12s %s\n' "$p" "$version"
done
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

# The package's /lib64/ld-linux-x86-64.so.2 is an absolute symlink: followed
# as is, it would run this machine's loader.
in_root_path() { # path inside the root, following symlinks without leaving it
  local p=$1 link
  for _ in 1 2 3 4 5 6 7 8; do
    [ -L "$work/root$p" ] || { echo "$work/root$p"; return; }
    link=$(readlink "$work/root$p")
    case $link in /*) p=$link ;; *) p=$(dirname "$p")/$link ;; esac
  done
  die "too many symlinks at $1"
}
loader=$(in_root_path "$interp")
[ -x "$loader" ] || die "the packages hold no loader at $interp"
libdirs=$(find "$work/root" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)

# An empty environment, as in the image: no LD_PRELOAD or LD_LIBRARY_PATH
# from this machine. --inhibit-cache keeps this machine's /etc/ld.so.cache
# out. The loader would still fall back to its built-in folders (this
# machine's /lib, /usr/lib) for a library the root lacks, so it traces
# every file it tries into $work/ld-debug.PID, checked in step 5.
in_root=(env -i HOME="$work" LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld-debug"
  "$loader" --inhibit-cache --library-path "$libdirs" "$bin")

echo "== revisit demo --serve=false --guests 200, on those libraries only"
"${in_root[@]}" demo --serve=false --guests 200 --dir "$work/demo" >"$work/demo.tokens" 2>"$work/demo.log" ||
  { tail -20 "$work/demo.log" >&2; die "the demo failed"; }
grep -q '^admin ' "$work/demo.tokens" || die "the demo printed no admin token"
sed -n '1,12s/^/   /p' "$work/demo.log"
ls "$work/demo/outbox"/*.xlsx >/dev/null || die "the demo wrote no workbook"

echo "== revisit serve, then the image's health check: revisit health"
"${in_root[@]}" serve --db "$work/demo/revisit.duckdb" --addr 127.0.0.1:0 --nightly off 2>"$work/serve.log" &
serve_pid=$!
addr=
for _ in $(seq 300); do
  addr=$(sed -n 's/.*"msg":"serving","addr":"\([^"]*\)".*/\1/p' "$work/serve.log")
  [ -n "$addr" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; die "serve stopped"; }
  sleep 0.1
done
[ -n "$addr" ] || die "serve did not listen"
"${in_root[@]}" health --url "http://$addr/livez" || die "the health check failed against $addr"
echo "   http://$addr/livez answered 200"
# What the running server has mapped, straight from the kernel.
mapfile -t mapped < <(awk '$6 ~ /\.so/ {print $6}' "/proc/$serve_pid/maps" | sort -u)
kill -TERM "$serve_pid"
wait "$serve_pid" || die "serve did not stop cleanly on SIGTERM"
serve_pid=

# 5. Nothing came from this machine: every file the loader tried, in the
# demo, the server and the health check (dlopen included), is in the root,
# and so is every shared object the running server had mapped.
mapfile -t tried < <(cat "$work"/ld-debug.* | sed -n 's/.*trying file=//p' | sort -u)
[ "${#tried[@]}" -gt 0 ] || die "the loader traced nothing"
for p in "${tried[@]}"; do
  case $p in "$work/root/"*) ;; *) die "the loader looked for $p outside the image's libraries" ;; esac
done
echo "== the loader tried ${#tried[@]} paths, all in the unpacked root"
echo "== shared objects in the running server's /proc/PID/maps:"
for p in "${mapped[@]}"; do
  case $p in
  "$work/root/"*) echo "   ${p#"$work/root"}" ;;
  *) die "the server mapped $p from outside the image's libraries" ;;
  esac
done
echo "== OK: revisit runs on debian:bookworm-slim's own libraries: ${pkgs[*]}"
