#!/usr/bin/env bats
# A session learns what other sessions changed from the folder's change
# log alone (lib/store_view_fast.c): no index read, no directory listed,
# while the directories are as the last listing recorded. A listing a
# flag change leaves is provisional ("L"): once the mtimes settle, one
# listing confirms it, and a change another program made behind it is
# found then. Two imapd processes over pipes, one under strace; test
# builds take $POSTERN_SETTLE_MS for STORE_SETTLE_MS.
load imapd-helpers

setup() {
	imap_setup
	command -v strace >/dev/null || skip "strace not installed"
	three_messages
	imap "$LOGIN" "s SELECT INBOX" >/dev/null       # index made, new/ taken
}
teardown() { no_sanitizer_reports "$BATS_TEST_TMPDIR/imapd.log"; }

# two_sessions SETTLE_MS: run the python steps on stdin with A (traced
# into $BATS_TEST_TMPDIR/a.trace) and B, both logged in and on INBOX.
two_sessions() {
	POSTERN_SETTLE_MS=$1 timeout 60 python3 - "$IMAPD" "$BATS_TEST_TMPDIR" "$MAILDIR" \
		3<&0 <<'PY'
import os, subprocess, sys, time
imapd, tmp, maildir = sys.argv[1:4]
log = open(os.path.join(tmp, "imapd.log"), "a")
def start(trace):
    cmd, env = [imapd], dict(os.environ)
    if trace:       # LeakSanitizer cannot run under ptrace
        cmd = ["strace", "-qq", "-e", "trace=openat,getdents64", "-o", trace] + cmd
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=log, env=env)
    p.stdout.readline()
    return p
def cmd(p, tag, line):
    p.stdin.write(("%s %s\r\n" % (tag, line)).encode()); p.stdin.flush()
    out = []
    while True:
        l = p.stdout.readline().decode()
        assert l, "imapd ended"
        out.append(l.rstrip("\r\n"))
        if l.startswith(tag + " "):
            assert " OK " in l, l
            return out
trace = os.path.join(tmp, "a.trace")
a, b = start(trace), start(None)
for p in (a, b):
    cmd(p, "l", "LOGIN bob@example.test secret"); cmd(p, "s", "SELECT INBOX")
def traced():          # what A did since the last call
    global seen
    with open(trace) as f:
        lines = f.readlines()
    new, seen = lines[seen:], len(lines)
    return "".join(new)
seen = 0
exec(os.fdopen(3).read())
for p in (a, b):
    cmd(p, "z", "LOGOUT")
PY
}

@test "another session's flag change and expunge reach a session from the change log alone" {
	run two_sessions 5000 <<'PY'
time.sleep(0.3); cmd(a, "n0", "NOOP"); traced()
out = cmd(b, "t1", "STORE 1 +FLAGS (\\Flagged)")
out = cmd(a, "n1", "NOOP")
assert "* 1 FETCH (FLAGS (\\Flagged))" in out, out
t = traced()
assert "postern-changes" in t and "postern-index" not in t and "getdents" not in t, t
cmd(b, "t2", "STORE 2 +FLAGS (\\Deleted)"); cmd(b, "e", "EXPUNGE")
out = cmd(a, "n2", "NOOP")
assert "* 2 EXPUNGE" in out, out
t = traced()
assert "postern-index" not in t and "getdents" not in t, t
out = cmd(a, "f", "FETCH 1:* (UID FLAGS)")
assert out[:2] == ["* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 3 FLAGS ())"], out
print("ok")
PY
	[ "$status" -eq 0 ] && [ "${lines[-1]}" = ok ] || { echo "$output"; false; }
	# the change log ends with the listing the expunge left, provisional
	tail -n 1 "$MAILDIR/postern-changes" | grep -q '^L [0-9]*\.[0-9]* [0-9]*\.[0-9]*$'
}

@test "a provisional listing is confirmed by one listing once settled; a change behind it is found then" {
	run two_sessions 300 <<'PY'
cmd(b, "t1", "STORE 1 +FLAGS (\\Flagged)")
# another program renames message 3 in the same mtime as the listing
# the STORE recorded (as a change in the same clock tick would)
cur = os.path.join(maildir, "cur")
st = os.stat(cur)
name = [n for n in os.listdir(cur) if n.startswith("1000000003.")][0]
os.rename(os.path.join(cur, name), os.path.join(cur, name.split(":")[0] + ":2,S"))
os.utime(cur, ns=(st.st_atime_ns, st.st_mtime_ns))
told = cmd(a, "n1", "NOOP")
time.sleep(0.6)         # settled: the provisional listing is checked
told += cmd(a, "n2", "NOOP")
assert told.count("* 3 FETCH (FLAGS (\\Seen))") == 1, told
assert "getdents" in traced()
cmd(a, "n3", "NOOP")
t = traced()
assert "getdents" not in t and "postern-index" not in t, t
print("ok")
PY
	[ "$status" -eq 0 ] && [ "${lines[-1]}" = ok ] || { echo "$output"; false; }
	# the change found was written in a new index, with the confirmed
	# (settled) listing's mtimes in its header; no log left
	head -n 1 "$MAILDIR/postern-index" |
		grep -q ' [0-9]*\.[0-9]\{9\} [0-9]*\.[0-9]\{9\}$'
	[ ! -e "$MAILDIR/postern-changes" ]
}

@test "a session catching up sees the same folder as a fresh one after many changes by two others" {
	run two_sessions 5000 <<'PY'
import random
c = start(None)
cmd(c, "l", "LOGIN bob@example.test secret"); cmd(c, "s", "SELECT INBOX")
r = random.Random(7)
flags = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Label1"]
for i in range(40):
    w = (b, c)[i % 2]
    cmd(w, "t%d" % i, "STORE %d %sFLAGS (%s)" % (r.randint(1, 3), r.choice("+-"), r.choice(flags)))
    if i % 5 == 0:
        cmd(a, "n%d" % i, "NOOP")
cmd(a, "n", "NOOP")
mine = [l for l in cmd(a, "f", "FETCH 1:* (UID FLAGS MODSEQ)") if l.startswith("* ")]
d = start(None)
cmd(d, "l", "LOGIN bob@example.test secret"); cmd(d, "s", "SELECT INBOX")
fresh = [l for l in cmd(d, "f", "FETCH 1:* (UID FLAGS MODSEQ)") if l.startswith("* ")]
assert mine == fresh, (mine, fresh)
for p in (c, d):
    cmd(p, "z", "LOGOUT")
print("ok")
PY
	[ "$status" -eq 0 ] && [ "${lines[-1]}" = ok ] || { echo "$output"; false; }
}
