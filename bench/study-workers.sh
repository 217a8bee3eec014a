#!/usr/bin/env bash
# Study B's phase-1 grid (6 learning rates × 6 weight decays, 3-fold cross-validation, 20 epochs, the lab model) on the
# first LIMIT Fashion-MNIST training images, four ways in one run on this machine:
#   one process on SQLite (the reference table), 3 processes on PostgreSQL (2 workers + the tune), synchronous halving
#   with 3 jobs in one process, and asha with 3 processes on PostgreSQL.
# Prints wall time, the slot-seconds workers sat idle, the epochs trained and each winner against the full grid's.
# usage: bench/study-workers.sh POSTGRES_URL [LIMIT=2000]   (build first: dotnet build -c Release)
set -euo pipefail
url=$1
limit=${2:-2000}
here=$(cd "$(dirname "$0")/.." && pwd)
bn=(dotnet "$here/src/Bottleneck.Cli/bin/Release/net10.0/Bottleneck.Cli.dll")
out=$(mktemp -d /tmp/study-workers.XXXXXX)
tag=$(date +%s)
study=(tune --dataset fashion-mnist --limit "$limit" --model lab --code-size 20 --folds 3 --epochs 20 --batch-size 256 --seed 0
       --grid "lr=5e-2,1e-2,5e-3,1e-3,5e-4,1e-4;weight-decay=5e-4,1e-4,5e-5,1e-5,5e-6,1e-6")

now() { date +%s.%N; }

# NAME, then the study's extra options: 2 waiting workers and the tune, each on one thread; the table read back from the database.
three() {
  local name=$1-$tag; shift
  local start; start=$(now)
  "${bn[@]}" worker --storage "$url" --study "$name" --wait --threads 1 > "$out/$name-w1.log" 2>&1 &
  local w1=$!
  "${bn[@]}" worker --storage "$url" --study "$name" --wait --threads 1 > "$out/$name-w2.log" 2>&1 &
  local w2=$!
  "${bn[@]}" "${study[@]}" "$@" --threads 1 --storage "$url" --study "$name" --out "$out/$name" > "$out/$name.log" 2>&1
  wait $w1 $w2
  awk "BEGIN { print $(now) - $start }" > "$out/$name.seconds"
  "${bn[@]}" studies show "$name" --storage "$url" --out "$out/$name-show" > /dev/null
  echo "$out/$name-show"
}

one() {
  local dir=$out/$1; shift
  local start; start=$(now)
  "${bn[@]}" "${study[@]}" "$@" --out "$dir" > "$dir.log" 2>&1
  awk "BEGIN { print $(now) - $start }" > "$dir.seconds"
  echo "$dir"
}

row() { # label, run directory, seconds file
  local r=$2/results.json
  printf '%-34s %8.1f s %10.1f %10s  %-28s %s\n' "$1" "$(cat "$3")" "$(jq '.idle_seconds // 0' "$r")" "$(jq '.epochs_trained' "$r")" \
    "$(jq -c '.best.params' "$r")" "$(jq '.best.score' "$r")"
}

full=$(one full --threads 2)
workers=$(three grid)
halving=$(one halving --pruner halving --jobs 3 --threads 2)
asha=$(three asha --pruner asha)

echo "study B phase 1 on $limit Fashion-MNIST images; runs in $out"
printf '%-34s %10s %10s %10s  %-28s %s\n' "run" "wall" "idle slot-s" "epochs" "winner" "score"
row "full grid, 1 process × 2 threads" "$full" "$full.seconds"
row "full grid, 3 processes × 1 thread" "$workers" "$out/grid-$tag.seconds"
row "halving, 3 jobs × 1 thread" "$halving" "$halving.seconds"
row "asha, 3 processes × 1 thread" "$asha" "$out/asha-$tag.seconds"
if cmp -s "$full/trials.csv" "$workers/trials.csv"; then echo "3-process table: identical to the 1-process table"; else echo "3-process table: DIFFERS from the 1-process table"; fi
best=$(jq -c '.best.params' "$full/results.json")
for run in halving asha; do
  dir=${!run}
  if [ "$(jq -c '.best.params' "$dir/results.json")" = "$best" ]; then echo "$run: finds the full grid's winner"; else echo "$run: does not find the full grid's winner"; fi
done
echo "asha promotions: $(jq '.promotions | length' "$asha/results.json")"
