# Sourced by the benchmark scripts: ensure_clean_set makes the clean
# generated hotel of $guests people in $data/clean-$set_tag once, with
# fixed arguments, so every run of a size and shape loads byte-identical
# files; it is made again when the arguments change or REGENERATE=1. SHAPE
# (dense, the default, or sparse) chooses the clientele. Needs $bin/revisit
# built; sets shape, set_tag (g$guests for dense, sparse-g$guests for
# sparse: name the script's own outputs with it), set_dir, gen_args and stamp.
ensure_clean_set() {
	shape=${SHAPE:-dense}
	gen_args=(--guests "$guests" --years 2 --seed 1 --end 2026-10-31 --clean)
	case $shape in
	dense) set_tag=g$guests ;; # the arguments and folder of before shapes existed: old data stays valid
	sparse)
		set_tag=sparse-g$guests
		gen_args+=(--shape sparse)
		;;
	*)
		echo "SHAPE must be dense or sparse, not $shape" >&2
		return 2
		;;
	esac
	set_dir=$data/clean-$set_tag
	stamp="generate ${gen_args[*]}"
	if [[ ${REGENERATE:-0} == 1 || ! -f $set_dir/.generated || $(<"$set_dir/.generated") != "$stamp" ]]; then
		rm -rf "$set_dir"
		echo "generating $guests guests ($shape) into $set_dir" >&2
		local start=$SECONDS
		"$bin/revisit" generate --out "$set_dir" "${gen_args[@]}" >&2
		echo "generated in $((SECONDS - start)) s" >&2
		printf '%s\n' "$stamp" >"$set_dir/.generated"
	else
		echo "reusing $set_dir (REGENERATE=1 to make it again)" >&2
	fi
}
