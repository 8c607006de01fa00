#!/usr/bin/env python3
"""Per-thread CPU of a command: runs it, samples /proc/PID/task/*/stat every 50 ms and
prints the CPU seconds (user + system) each thread name used, with the wall time.
A thread's last 50 ms may be missed. Usage: scripts/thread_cpu.py COMMAND ARGS..."""
import os, subprocess, sys, time

tick = os.sysconf("SC_CLK_TCK")
started = time.monotonic()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
seen = {}  # tid -> (name, cpu seconds)
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
