# bench/lib.bash - what the benchmarks share: sourced, not run.
#
# cpu_seconds PID...       CPU time (user+system) used so far by each PID,
#                          its live descendants and every child they reaped;
#                          the sum, in seconds
# peak_rss PID...          "name=KB ..." the peak RSS (VmHWM) of each live
#                          process in those trees, largest per name
# median                   the median of the numbers on stdin
# load_note                one line: the load average, for the record

cpu_seconds() {
	python3 - "$@" <<'PY'
import os, sys
roots = {int(p) for p in sys.argv[1:]}
parent, ticks = {}, {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    pid = int(d)
    parent[pid] = int(fields[1])
    # utime stime cutime cstime: fields 14-17 of stat(5)
    ticks[pid] = sum(int(x) for x in fields[11:15])
def in_tree(pid):
    while pid > 1:
        if pid in roots:
            return True
        pid = parent.get(pid, 0)
    return False
total = sum(t for pid, t in ticks.items() if in_tree(pid))
print("%.3f" % (total / os.sysconf("SC_CLK_TCK")))
PY
}

peak_rss() {
	python3 - "$@" <<'PY'
import os, sys
roots = {int(p) for p in sys.argv[1:]}
parent, peak = {}, {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/status" % d) as f:
            status = dict(l.split(":", 1) for l in f if ":" in l)
    except OSError:
        continue
    parent[int(d)] = int(status["PPid"])
    if "VmHWM" in status:
        peak[int(d)] = (status["Name"].strip(), int(status["VmHWM"].split()[0]))
def in_tree(pid):
    while pid > 1:
        if pid in roots:
            return True
        pid = parent.get(pid, 0)
    return False
best = {}
for pid, (name, kb) in peak.items():
    if in_tree(pid):
        best[name] = max(best.get(name, 0), kb)
print(" ".join("%s=%dkB" % kv for kv in sorted(best.items())))
PY
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

load_note() {
	echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs while measuring"
}
