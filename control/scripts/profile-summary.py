#!/usr/bin/env python3
"""Summarises async-profiler collapsed stacks split by thread (jfrconv -t): share per thread (pool),
top leaf frames per thread pool, top inclusive frames. docs/PERFORMANCE.md.

Usage: profile-summary.py FILE.collapsed [--top 12] [--per-thread 8] [--seconds S] [--unit samples|bytes]
       profile-summary.py --ticks TICKS-START TICKS-END SECONDS   (CPU per thread pool from /proc, profile.sh)
       profile-summary.py --driver FILE.collapsed   (the driver thread's samples by stage, as in the doc's tables)
"""
import argparse
import collections
import re
import signal

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head


def pool(thread):
    # "[chronik-fsync tid=123]" -> "chronik-fsync"; Netty "multiThreadIoEventLoopGroup-3-2" -> "...-3-*"
    name = re.sub(r"\s+tid=\d+$", "", thread.strip("[]"))
    name = re.sub(r"^(multiThreadIoEventLoopGroup-\d+)-\d+$", r"\1-*", name, flags=re.IGNORECASE)
    name = re.sub(r"^(pool-\d+-thread)-\d+$", r"\1-*", name)
    name = re.sub(r"^(GC Thread#)\d+$", r"\1*", name)
    name = re.sub(r"^(C[12] CompilerThread)\d+$", r"\1*", name)
    name = re.sub(r"^(chronik-storage-open)-\d+$", r"\1-*", name)
    return name


def ticks(start, end, seconds):
    # files written by the current profile.sh: "tid utime stime run-ns wait-ns timeslices comm"
    """Lines "tid utime stime run-ns wait-ns comm" (clock ticks 100/s; schedstat ns) at both ends of the
    window -> CPU cores per pool, and how long its runnable threads waited for a CPU (run queue)."""
    def read(path):
        out = {}
        for line in open(path):
            f = line.rstrip("\n").split(" ")
            new = f[5].isdigit()  # older captures had no timeslices column
            out[f[0]] = (int(f[1]) + int(f[2]), int(f[4]), int(f[5]) if new else 0, " ".join(f[6:] if new else f[5:]))
        return out
    a, b = read(start), read(end)
    per = collections.Counter()
    waits = collections.Counter()
    slices = collections.Counter()
    for tid, (t1, w1, s1, comm) in b.items():
        t0, w0, s0, _ = a.get(tid, (0, 0, 0, comm))
        per[pool("[" + comm + "]")] += t1 - t0
        waits[pool("[" + comm + "]")] += w1 - w0
        slices[pool("[" + comm + "]")] += s1 - s0
    total = sum(per.values())
    print(f"process CPU {total / 100 / seconds:.2f} cores over {seconds:g} s;"
          f" run-queue wait {sum(waits.values()) / 1e9 / seconds:.2f} thread-s/s")
    print("share  cores  runqueue-wait(s per s)  timeslices/s  mean wait per timeslice (us)  thread (pool)")
    for p, n in per.most_common():
        if n:
            per_slice = f"{waits[p] / slices[p] / 1e3:8.0f}" if slices[p] else "       -"
            print(f"{100 * n / total:5.1f}%  {n / 100 / seconds:.3f}  {waits[p] / 1e9 / seconds:.3f}"
                  f"  {slices[p] / seconds:9.0f}  {per_slice}  {p}")


# Stages of a driver loop, matched on the whole stack; the first match wins (most specific first).
DRIVER_STAGES = [
    ("read-back for config scan (Membership.applyCommitted)", ["Membership.applyCommitted"]),
    ("read-back for apply (RaftLog.nextCommitted)", ["RaftLog.nextCommitted"]),
    ("persist: entries to segment files", ["RaftNodeGroup.persist", "PartitionGroup.persist", "MetadataGroup.persist"]),
    ("sync: waits for the chronik-fsync pool", ["GroupCommit.forceAll;AbstractExecutorService.submit",
                                                "FutureTask.get"]),
    ("sync: flushForSync pwrite", ["flushForSync"]),
    ("sync: other (force on the driver, journal)", ["NodeStorageSync.sync", "GroupCommit"]),
    ("propose (copy payloads, admit)", ["RaftDriver.propose", "TransferHold"]),
    ("send to peers (PeerOutbox)", ["PeerOutbox.send", "NettyPeerTransport"]),
    ("step peer messages", ["RaftDriver.stepInbound"]),
    ("apply + completions", ["applyAndAdvanceAll", "PartitionGroup.apply", "CompletionRegistry"]),
    ("ready assembly", ["RaftDriver.collectReadies"]),
    ("ticks, tasks", ["RaftDriver.runTask", "RaftNode.tick"]),
    ("parked idle", ["LockSupport.parkNanos"]),
]


def driver(path):
    per = collections.Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack.startswith("[chronik-raft-driver"):
                continue
            n = int(n)
            total += n
            stage = next((name for name, keys in DRIVER_STAGES if any(k in stack for k in keys)), "other")
            per[stage] += n
    print(f"chronik-raft-driver: {total:,} samples (or bytes)")
    for stage, n in per.most_common():
        print(f"| {stage} | {100 * n / total:.1f} % |")


def main():
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--driver":
        return driver(sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "--ticks":
        return ticks(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--per-thread", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--unit", default="samples")
    ap.add_argument("--threads", default="", help="regex of thread pools to detail (default: the top 6)")
    a = ap.parse_args()
    per_pool = collections.Counter()
    leaf = collections.defaultdict(collections.Counter)
    incl = collections.Counter()
    total = 0
    with open(a.file) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(n)
            frames = stack.split(";")
            p = pool(frames[0])
            per_pool[p] += n
            leaf[p][frames[-1]] += n
            for fr in set(frames[1:]):
                incl[fr] += n
            total += n
    def fmt(n):
        s = f"{n:,}" if a.unit == "samples" else f"{n / 2**20:,.1f} MiB"
        if a.seconds:
            s += f" ({n / a.seconds / (2**20 if a.unit == 'bytes' else 1):,.1f}{' MiB' if a.unit == 'bytes' else ''}/s)"
        return s
    print(f"total {fmt(total)}")
    print("\n## per thread (pool)")
    for p, n in per_pool.most_common():
        if n / total >= 0.002:
            print(f"{100 * n / total:5.1f}%  {fmt(n)}  {p}")
    chosen = [p for p, _ in per_pool.most_common()
              if (re.search(a.threads, p) if a.threads else True)][: (99 if a.threads else 6)]
    for p in chosen:
        print(f"\n## top leaf frames of {p} ({100 * per_pool[p] / total:.1f}% of all)")
        for fr, n in leaf[p].most_common(a.per_thread):
            print(f"{100 * n / per_pool[p]:5.1f}% of thread  {100 * n / total:5.1f}% of all  {fr}")
    print("\n## top inclusive frames (all threads)")
    for fr, n in incl.most_common(a.top):
        print(f"{100 * n / total:5.1f}%  {fr}")


if __name__ == "__main__":
    main()
