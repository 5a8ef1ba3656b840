#!/usr/bin/env bash
# Usage: [PARTS=16] [LOAD=300] [ROUNDS=2] control/scripts/restart-ab.sh  (docs/BENCH.md section 5)
# A full-cluster restart after LOAD seconds of saturating produce, on the same data, alternately:
#   summary — a graceful stop then a start (each log opens from the summary its clean close left, each
#             partition's read index from its read.index);
#   scan    — the same stop, then every node's clean-shutdown record deleted, so every log is scanned
#             as after a crash (the pre-summary open, without its fsyncs being skipped either).
# The page cache is dropped before each start (root), so both modes read the disk.
# Uses its own cluster directory /var/tmp/chronik-restart-ab and the cluster ports 9092-9094; deletes it at the end.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DIR=/var/tmp/chronik-restart-ab
P=${PARTS:-16}; LOAD=${LOAD:-300}; ROUNDS=${ROUNDS:-2}
mkdir -p target
./chronik cluster stop --dir $DIR >/dev/null 2>&1
./chronik cluster start --nodes 3 --fresh --dir $DIR >/dev/null 2>&1 || { echo "start failed"; exit 1; }
./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic r$P --create-topic --partitions $P --replication-factor 3 >/dev/null 2>&1
./chronik bench --bootstrap 127.0.0.1:9092 --topic r$P --duration $LOAD --warmup 5 --producers 2 --out target/rab-load.json > target/rab-load.txt 2>&1
echo "load: $(grep -m1 throughput target/rab-load.txt | xargs); data per node: $(du -sh $DIR/node-0/data | cut -f1)"
echo "| round | mode | restart → every partition led ms | open ms per node (n0/n1/n2) | logs from summary (n0/n1/n2) | read indexes from file (n0/n1/n2) |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 $ROUNDS); do
  for mode in summary scan; do
    ./chronik cluster stop --dir $DIR >/dev/null 2>&1
    if [ $mode = scan ]; then rm -f $DIR/node-*/data/raft/clean-shutdown; fi
    for n in 0 1 2; do : > $DIR/node-$n/broker.log; done
    sync; echo 3 > /proc/sys/vm/drop_caches
    s0=$(date +%s%N)
    ./chronik cluster start --nodes 3 --dir $DIR >/dev/null 2>&1
    ./chronik bench --bootstrap 127.0.0.1:9092 --mode leaders --topic r$P --out target/rab-$r-$mode.json > /dev/null 2>&1
    s1=$(date +%s%N)
    open=$(for n in 0 1 2; do grep -o "topic=r$P .*openMs=[0-9]*" $DIR/node-$n/broker.log | tail -1 | grep -o "openMs=[0-9]*" | cut -d= -f2; done | paste -sd/)
    from=$(for n in 0 1 2; do v=$(grep -o "topic=r$P .*fromSummary=[0-9]*" $DIR/node-$n/broker.log | tail -1 | grep -o "fromSummary=[0-9]*" | cut -d= -f2); echo ${v:-?}; done | paste -sd/)
    index=$(for n in 0 1 2; do v=$(grep -o "topic=r$P .*indexFromFile=[0-9]*" $DIR/node-$n/broker.log | tail -1 | grep -o "indexFromFile=[0-9]*" | cut -d= -f2); echo ${v:-?}; done | paste -sd/)
    echo "| $r | $mode | $(( (s1 - s0) / 1000000 )) | $open | $from | $index |"
  done
done
./chronik cluster stop --dir $DIR >/dev/null 2>&1
rm -rf $DIR
