#!/usr/bin/env python3
"""Per-thread CPU of a command: runs it, samples /proc/PID/task/*/stat every 50 ms and
prints the CPU seconds (user + system) each thread name used, with the wall time.
A thread's last 50 ms may be missed. Usage: scripts/thread_cpu.py COMMAND ARGS...
With THREAD_TIMELINE=SECONDS it also prints a timeline: for each interval of that
length, the cores each thread name kept busy (1.00 = one core all the interval) —
which stage runs when, and where a core is idle."""
import os, subprocess, sys, time

tick = os.sysconf("SC_CLK_TCK")
step = float(os.environ.get("THREAD_TIMELINE", "0") or 0)
started = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
seen = {}  # tid -> (name, cpu seconds)
samples = []  # (seconds since start, {name: cpu seconds so far})
while child.poll() is None:
    try:
        tids = os.listdir(f"/proc/{child.pid}/task")
    except FileNotFoundError:
        break
    for tid in tids:
        try:
            stat = open(f"/proc/{child.pid}/task/{tid}/stat").read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seen[tid] = (name, (int(fields[11]) + int(fields[12])) / tick)
    if step:
        totals = {}
        for name, cpu in seen.values():
            totals[name] = totals.get(name, 0.0) + cpu
        samples.append((time.monotonic() - started, totals))
    time.sleep(0.05)
wall = time.monotonic() - started
per_name = {}
for name, cpu in seen.values():
    count, total = per_name.get(name, (0, 0.0))
    per_name[name] = (count + 1, total + cpu)
print(f"wall {wall:.2f} s, exit {child.returncode}")
print("| thread | threads | CPU s |")
print("|---|---|---|")
for name, (count, total) in sorted(per_name.items(), key=lambda item: -item[1][1]):
    print(f"| {name} | {count} | {total:.2f} |")
print(f"| all | {sum(c for c, _ in per_name.values())} | {sum(t for _, t in per_name.values()):.2f} |")

if step and samples:
    names = sorted(per_name, key=lambda n: -per_name[n][1])
    print()
    print("| from s | " + " | ".join(names) + " | all |")
    print("|---|" + "---|" * (len(names) + 1))
    before, edge, index = {}, step, 0
    while index < len(samples):
        # the last sample at or before this interval's end
        while index + 1 < len(samples) and samples[index + 1][0] <= edge:
            index += 1
        at, totals = samples[index]
        busy = [(totals.get(n, 0.0) - before.get(n, 0.0)) / step for n in names]
        print(f"| {edge - step:5.2f} | " + " | ".join(f"{b:4.2f}" for b in busy)
              + f" | {sum(busy):4.2f} |")
        before, edge = totals, edge + step
        if index == len(samples) - 1:
            break
