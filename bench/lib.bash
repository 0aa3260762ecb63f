# bench/lib.bash - what the benchmarks share: sourced, not run.
#
# cpu_seconds PID...       CPU time (user+system) used so far by each PID,
#                          its live descendants and every child they reaped;
#                          the sum, in seconds
# peak_rss PID...          "name=KB ..." the peak RSS (VmHWM) of each live
#                          process in those trees, largest per name
# median                   the median of the numbers on stdin
# load_note                one line: the load average, for the record
# make_maildir DIR N       a Maildir of N varied messages in DIR/cur, as the
#                          runner delivers them (no size in the name); one
#                          in four a reply (In-Reply-To, References), one in
#                          five with an attachment, two in three \Seen

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

make_maildir() {
	python3 - "$1" "$2" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(root, d))
random.seed(1)
words = "alpha beta gamma delta report meeting invoice lunch budget travel review draft".split()
for i in range(n):
    subj = " ".join(random.choice(words) for _ in range(4))
    body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(random.randint(3, 30)))
    head = ("Return-Path: <user%d@example.org>\nReceived: from mx.example.org by mail.example.test; "
            "Mon, 2 Nov 2026 08:00:00 +0000\nDate: Mon, %d Nov 2026 08:%02d:00 +0000\n"
            "From: User %d <user%d@example.org>\nTo: Bob <bob@example.test>\n"
            "Cc: team%d@example.net\nSubject: %s %d\nMessage-ID: <%d.%d@example.org>\n"
            % (i % 997, 1 + i % 28, i % 60, i % 997, i % 997, i % 13, subj, i, i, n))
    if i % 4 == 1:      # a reply, for THREAD
        j = random.randint(max(0, i - 500), i - 1)
        head += "In-Reply-To: <%d.%d@example.org>\nReferences: <%d.%d@example.org>\n" % (j, n, j, n)
    if i % 5 == 0:
        msg = head + ("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b%d\n\n--b%d\n"
                      "Content-Type: text/plain; charset=utf-8\n\n%s\n--b%d\nContent-Type: application/pdf; name=a.pdf\n"
                      "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b%d--\n" % (i, i, body, i, i))
    else:
        msg = head + "\n" + body + "\n"
    name = "%d.M%dP%d.bench:2,%s" % (1700000000 + i, i, i, "S" if i % 3 else "")
    with open(os.path.join(root, "cur", name), "w") as f:
        f.write(msg)
PY
}
