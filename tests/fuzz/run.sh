#!/bin/sh
# run.sh -- runs every libFuzzer target of a MEF_FUZZ build on its seed corpus.
#
#   sh tests/fuzz/run.sh BUILD_DIR            (make fuzz, make test)
#   sh tests/fuzz/run.sh --merge BUILD_DIR    (make fuzz-merge)
#
# Each target first runs every input of tests/fuzz/corpus/<name>/ (the git corpus, read
# only), then mutates for FUZZ_SECONDS seconds (default 60; 0: the corpus only). New
# interesting inputs go to BUILD_DIR/fuzz-work/<name>/corpus, never into git; --merge
# adds those of the last run that bring new coverage to the git corpus (libFuzzer
# -merge=1). Crash inputs land in BUILD_DIR/fuzz-work/<name>/ as crash-*, leak-*,
# timeout-* or oom-*. Prints executions, crashes and seconds per target; exits 1 when
# any target crashed. FUZZ_TARGETS (space-separated names, e.g. "media tls_peek")
# restricts the run; FUZZ_JOBS targets run at once (default: the number of CPUs).
set -eu

merge=0
if [ "${1:-}" = "--merge" ]; then
	merge=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: run.sh [--merge] BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
work="$build/fuzz-work"

# ASan's leak check stays on (libFuzzer's default); UBSan findings already abort
# (-fno-sanitize-recover=all).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

targets=${FUZZ_TARGETS:-$(cd "$src/corpus" && ls)}
jobs=${FUZZ_JOBS:-$(nproc)}
failed=0

for name in $targets; do
	if [ ! -x "$build/fuzz/fuzz_$name" ] || [ ! -d "$src/corpus/$name" ]; then
		echo "fuzz: $name: no $build/fuzz/fuzz_$name or no" \
		    "$src/corpus/$name" >&2
		exit 1
	fi
done

if [ "$merge" -eq 1 ]; then
	for name in $targets; do
		[ -d "$work/$name/corpus" ] || continue
		before=$(ls "$src/corpus/$name" | wc -l)
		"$build/fuzz/fuzz_$name" -merge=1 "$src/corpus/$name" \
		    "$work/$name/corpus" >"$work/$name/merge.log" 2>&1 || {
			echo "fuzz: $name: merge failed, see $work/$name/merge.log" >&2
			failed=1
			continue
		}
		printf '%-16s corpus %s -> %s files\n' "$name" "$before" \
		    "$(ls "$src/corpus/$name" | wc -l)"
	done
	exit "$failed"
fi

if [ "$seconds" -eq 0 ]; then
	limit="-runs=0"
else
	limit="-max_total_time=$seconds"
fi

# One target: its log, artifacts and "executions crashes seconds" in $work/$name.
fuzz_one() {
	dir="$work/$1"
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	t0=$(date +%s)
	rc=0
	"$build/fuzz/fuzz_$1" $limit -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$dir/" "$dir/corpus" "$src/corpus/$1" \
	    >"$dir/log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" |
	    tail -n 1)
	n=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o \
	    -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	# A finding without an artifact (a failure at startup) still counts.
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	echo "${execs:-0} $n $(($(date +%s) - t0))" >"$dir/result"
}

# FUZZ_JOBS targets at a time (default: one per CPU), each single-threaded.
running=0
for name in $targets; do
	fuzz_one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

total_execs=0
total_crashes=0
for name in $targets; do
	read -r execs crashes elapsed <"$work/$name/result"
	printf '%-16s executions %10s  crashes %s  time %4ss  new inputs %s\n' \
	    "$name" "$execs" "$crashes" "$elapsed" \
	    "$(ls "$work/$name/corpus" | wc -l)"
	total_execs=$((total_execs + execs))
	total_crashes=$((total_crashes + crashes))
	[ "$crashes" -eq 0 ] && continue
	failed=1
	tail -n 40 "$work/$name/log" | sed "s/^/  $name: /" >&2
	for a in "$work/$name"/crash-* "$work/$name"/leak-* \
	    "$work/$name"/timeout-* "$work/$name"/oom-*; do
		[ -f "$a" ] && echo "  $name: reproduce: $build/fuzz/fuzz_$name $a" >&2
	done
done
printf '%-16s executions %10s  crashes %s\n' total "$total_execs" \
    "$total_crashes"
exit "$failed"
