#!/usr/bin/env bash
# Measures acquire+release throughput of this tree ("after") against an earlier revision
# ("before") in one run: the two builds take turns, trial by trial, on the same machine and
# database, each in schemas of its own (prefixes "before" and "after"). JSON results go to
# OUT (default pharox-benchmarks/target/before-after), one file per trial; the summary
# printed at the end is the ratio after/before of each (benchmark, threads) pair, mean of
# the rounds.
#
#   pharox-benchmarks/scripts/before-after.sh [BEFORE_REV] [OUT]
#
# Run from the repository root with this tree already installed (./mvnw -B install -DskipTests).
# The earlier revision is checked out in a worktree next to the repository and built with a
# Maven repository of its own, so that its snapshots never replace this tree's.
set -euo pipefail
BEFORE_REV=${1:-5dc0f10}
OUT=${2:-pharox-benchmarks/target/before-after}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-"1 4"}
JMH_TIMING=${JMH_TIMING:-"-f 1 -wi 2 -w 3s -i 3 -r 4s"}
ROOT=$(pwd)
WT=${BEFORE_WORKTREE:-$ROOT/../pharox-before-$BEFORE_REV}
M2=${BEFORE_M2:-$ROOT/../pharox-before-m2}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

if [ ! -d "$WT" ]; then
    git worktree add -q "$WT" "$BEFORE_REV"
fi
if [ ! -d "$M2" ]; then
    mkdir -p "$M2" && cp -r "$HOME/.m2/repository" "$M2/"
fi
(cd "$WT" && ./mvnw -q -B -Dmaven.repo.local="$M2/repository" -pl pharox-benchmarks -am -DskipTests install)

CASES=(
    "PostgresLeaseBenchmark.acquireRelease -p implementation=jdbc -p poolSize=1000 -p capacity=exclusive -p filter=none -p strategy=FIRST_AVAILABLE"
    "MemoryLeaseBenchmark.acquireRelease -p implementation=memory -p poolSize=1000 -p capacity=exclusive -p filter=none -p strategy=FIRST_AVAILABLE"
)

run() { # tree prefix case threads file
    local dir=$1 prefix=$2 bench=$3 t=$4 file=$5 repo=()
    if [ "$prefix" = before ]; then repo=(-Dmaven.repo.local="$M2/repository"); fi
    (cd "$dir" && ./mvnw -q -B "${repo[@]}" -pl pharox-benchmarks -DskipTests -Pbenchmarks verify \
        -Djmh.args="$bench -t $t $JMH_TIMING -jvmArgsAppend -Dpharox.bench.schema-prefix=$prefix -rf json -rff $file")
}

for round in $(seq 1 "$ROUNDS"); do
    for i in "${!CASES[@]}"; do
        for t in $THREADS; do
            # alternate which build goes first, so that neither always runs on a warmer machine
            if [ $(( (round + i) % 2 )) -eq 0 ]; then order="before after"; else order="after before"; fi
            for side in $order; do
                dir=$ROOT; [ "$side" = before ] && dir=$WT
                run "$dir" "$side" "${CASES[$i]}" "$t" "$OUT/$side-case$i-t$t-r$round.json"
            done
        done
    done
done

python3 - "$OUT" <<'PY'
import glob, json, re, sys, collections
out = sys.argv[1]
scores = collections.defaultdict(list)
for path in sorted(glob.glob(out + "/*.json")):
    side, case, t, _ = re.match(r".*/(before|after)-case(\d+)-t(\d+)-r(\d+)\.json", path).groups()
    for r in json.load(open(path)):
        name = r["benchmark"].split(".")[-2] + " " + r["params"]["implementation"]
        scores[(name, int(t), side)].append(r["primaryMetric"]["score"])
print("| benchmark | threads | before (ops/s) | after (ops/s) | after / before |")
print("|---|---|---|---|---|")
for name, t in sorted({(k[0], k[1]) for k in scores}):
    b = sum(scores[(name, t, "before")]) / len(scores[(name, t, "before")])
    a = sum(scores[(name, t, "after")]) / len(scores[(name, t, "after")])
    print(f"| {name} | {t} | {b:,.0f} | {a:,.0f} | {a / b:.2f} |")
PY
