#!/usr/bin/env bash
# Prints, in one run on this machine, the medians of the end-to-end commands
# of issue 16 side by side with `jq .` reading the same written-out template:
# validate, expand (copy-loop form), what-if (empty group), deploy 800,
# what-if of the 800 against the deployed group, what-if and deploy of
# 10 × 800 nested. Each measure is the median of RUNS runs (default 5) of
# wall time, with its ratio to the jq median and its peak RSS.
#
# Usage: perf/ratios.sh [N] [K]     (N resources per kind, default 400; K nested, default 10)
# Environment: RUNS (default 5), KEEP=1 keeps the temporary folder.
# Needs ../shared/perf/gen.py (beside the repository), python3, jq and
# /usr/bin/time; it says which is missing and exits 0 when one is.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gen="$root/../shared/perf/gen.py"
n=${1:-400}
k=${2:-10}
runs=${RUNS:-5}

skip() { echo "perf/ratios.sh: skipped: $*"; exit 0; }
[ -f "$gen" ] || skip "$gen is absent (the perf templates come from ../shared/perf/gen.py)"
command -v python3 >/dev/null || skip "python3 is absent"
command -v jq >/dev/null || skip "jq is absent (apt-get install -y jq)"
[ -x /usr/bin/time ] || skip "/usr/bin/time is absent (apt-get install -y time)"

tmp=$(mktemp -d)
if [ "${KEEP:-}" = 1 ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
python3 "$gen" "$tmp" "$n" "$k"
(cd "$root" && go build -o "$tmp/armdeploy" ./cmd/armdeploy)
ad="$tmp/armdeploy"
cd "$tmp"

# measure NAME SETUP CMD...: runs SETUP (a shell snippet, may be ":") before
# each run, untimed, then CMD (wall time from date +%s%N, peak RSS from
# /usr/bin/time); appends "NAME<TAB>median_us<TAB>maxrss_kb" to results.txt.
# A failing command stops the script with its output.
measure() {
	local name=$1 setup=$2
	shift 2
	local times=() rss=0 i
	for ((i = 0; i < runs; i++)); do
		eval "$setup"
		local t0 t1
		t0=$(date +%s%N)
		if ! /usr/bin/time -f "%M" -o "$tmp/time.txt" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"; then
			echo "perf/ratios.sh: '$name' failed: $*" >&2
			tail -20 "$tmp/out.txt" "$tmp/err.txt" >&2
			exit 1
		fi
		t1=$(date +%s%N)
		read -r m <"$tmp/time.txt"
		times+=($(((t1 - t0) / 1000)))
		((m > rss)) && rss=$m
	done
	local med
	med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%s\t%s\t%s\n' "$name" "$med" "$rss" >>"$tmp/results.txt"
}

g=(-g rg -l westus --subscription 00000000-0000-0000-0000-000000000000)
fresh='rm -f "$tmp"/fresh.db*'
# the deployed group: the 800 deployed once, copied fresh before each run
"$ad" deploy "${g[@]}" -f big-explicit.json --state "$tmp/deployed.db" --yes >/dev/null 2>&1
again='rm -f "$tmp"/again.db*; cp "$tmp"/deployed.db "$tmp"/again.db'

: >"$tmp/results.txt"
measure "jq . big-explicit.json" : jq . big-explicit.json
measure "validate (explicit)" "$fresh" "$ad" validate "${g[@]}" -f big-explicit.json --state "$tmp/fresh.db"
measure "expand (copy)" : "$ad" expand "${g[@]}" -f big-copy.json
measure "what-if (explicit, empty group)" "$fresh" "$ad" what-if "${g[@]}" -f big-explicit.json --state "$tmp/fresh.db"
measure "deploy $((2 * n)) (instant)" "$fresh" "$ad" deploy "${g[@]}" -f big-explicit.json --state "$tmp/fresh.db" --yes
measure "what-if $((2 * n)) vs deployed group" "$again" "$ad" what-if "${g[@]}" -f big-explicit.json --state "$tmp/again.db"
measure "what-if nested ($k x $((2 * n)))" "$fresh" "$ad" what-if "${g[@]}" -f big-nested.json --state "$tmp/fresh.db"
measure "deploy nested ($k x $((2 * n)))" "$fresh" "$ad" deploy "${g[@]}" -f big-nested.json --state "$tmp/fresh.db" --yes

# the re-deploy what-if must be all NoChange
"$ad" what-if "${g[@]}" -f big-explicit.json --state "$tmp/deployed.db" -o json 2>/dev/null |
	jq -r '[.changes[].changeType] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' |
	sed 's/^/re-deploy what-if change types: /'

echo "$(nproc) cores, $runs runs each, medians of wall time; N=$n, K=$k; $(go version | cut -d' ' -f3)"
awk -F'\t' 'NR == 1 {jq = $2}
	{ printf "%-40s %8.1f ms %7.2fx jq %8.1f MB\n", $1, $2 / 1000, (jq > 0 ? $2 / jq : 0), $3 / 1024 }' "$tmp/results.txt"
