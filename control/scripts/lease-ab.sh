#!/usr/bin/env bash
# Usage: [PARTS=1024] [RATE=60000] [LOAD=60] [ROUNDS=1] [VARIANTS="raft.peer.lease=false raft.peer.lease=true"]
#        control/scripts/lease-ab.sh  (writes target/lease-ab.md; docs/BENCH.md section 5)
# VARIANTS: one broker setting (name=value) per row, run in turn each round, e.g.
#   VARIANTS="raft.peer.lease.ms=180 raft.peer.lease.ms=1000" compares lease windows.
# The node lease (raft.peer.lease, docs/REPLICATION.md) A/B: a fresh 3-node cluster (RF 3) per row, the same
# open-loop produce load spread over PARTS partitions, once with the lease off (baseline) and once on, in
# turn, so both rows share the machine's state. Counts elections (term changes summed over the three
# nodes; one election shows as about three) during the load, and the load's latency and errors.
# Uses its own cluster directory /var/tmp/chronik-scale and the cluster ports 9092-9094, 9192-9194.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
mkdir -p target
DIR=/var/tmp/chronik-scale
OUT=${OUT:-target/lease-ab.md}
P=${PARTS:-1024}; RATE=${RATE:-60000}; LOAD=${LOAD:-60}
terms() { local s=0; for n in 0 1 2; do v=$(grep -o "termChanges=[0-9]*" $DIR/node-$n/broker.log | tail -1 | cut -d= -f2); s=$((s + ${v:-0})); done; echo $s; }
echo "| round | setting | partitions | offered rec/s | achieved rec/s | p50 ms | p99 ms | max ms | errors | term changes during load |" > $OUT
echo "|---|---|---|---|---|---|---|---|---|---|" >> $OUT
for round in $(seq 1 ${ROUNDS:-1}); do
  for variant in ${VARIANTS:-raft.peer.lease=false raft.peer.lease=true}; do
    tag=${variant//[^A-Za-z0-9]/-}
    ./chronik cluster stop --dir $DIR >/dev/null 2>&1
    ./chronik cluster start --nodes 3 --fresh --dir $DIR --set metrics.log.interval.ms=2000 --set $variant >/dev/null 2>&1 \
      || { echo "start failed $variant"; continue; }
    ./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic ab --create-topic --partitions $P --replication-factor 3 > /dev/null 2>&1
    sleep 8; t0=$(terms)
    ./chronik bench --bootstrap 127.0.0.1:9092 --topic ab --duration $LOAD --rate $RATE --producers 2 --out target/lease-ab-$tag-$round.json > target/lease-ab-$tag-$round.txt 2>&1
    sleep 3; t1=$(terms)
    r=$(python3 -c "import json;d=json.load(open('target/lease-ab-$tag-$round.json'))['produce'];l=d['latencyMs'];print(int(d['recordsPerSecond']), l['p50'], l['p99'], l['max'], d['errors'])")
    set -- $r
    echo "| $round | $variant | $P | $RATE | $1 | $2 | $3 | $4 | $5 | $((t1 - t0)) |" >> $OUT
    tail -1 $OUT
  done
done
./chronik cluster stop --dir $DIR >/dev/null 2>&1
