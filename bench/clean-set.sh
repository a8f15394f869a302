# Sourced by the benchmark scripts: ensure_clean_set makes the clean
# generated hotel of $guests people in $data/clean-g$guests once, with
# fixed arguments, so every run of a size loads byte-identical files; it is
# made again when the arguments change or REGENERATE=1. Needs $bin/revisit
# built; sets set_dir, gen_args and stamp.
ensure_clean_set() {
	gen_args=(--guests "$guests" --years 2 --seed 1 --end 2026-10-31 --clean)
	set_dir=$data/clean-g$guests
	stamp="generate ${gen_args[*]}"
	if [[ ${REGENERATE:-0} == 1 || ! -f $set_dir/.generated || $(<"$set_dir/.generated") != "$stamp" ]]; then
		rm -rf "$set_dir"
		echo "generating $guests guests into $set_dir" >&2
		local start=$SECONDS
		"$bin/revisit" generate --out "$set_dir" "${gen_args[@]}" >&2
		echo "generated in $((SECONDS - start)) s" >&2
		printf '%s\n' "$stamp" >"$set_dir/.generated"
	else
		echo "reusing $set_dir (REGENERATE=1 to make it again)" >&2
	fi
}
