#!/usr/bin/env bats
# Many imapd processes on one mailbox (real sockets, python3 imaplib in
# threads): appends during delivery, expunges during fetches, files
# vanishing under a session, concurrent SELECTs sharing \Recent. UIDs must
# stay unique and ascending, nothing lost or shown twice, no crash.
load imapd-helpers

setup() { imap_setup; }
teardown() {
	server_stop_all
	no_sanitizer_reports "$BATS_TEST_TMPDIR/server.log" "$BATS_TEST_TMPDIR/imapd.log"
}

@test "appends from two sessions while delivery writes to new/ and a third session reads" {
	server_start tcpserver "$IMAPD"
	run timeout 60 python3 - "$PORT" "$MAILDIR" <<'PY'
import imaplib, os, re, sys, threading, time
port, maildir = int(sys.argv[1]), sys.argv[2]
N = 12
errors, views = [], {}
def conn():
    m = imaplib.IMAP4("127.0.0.1", port, timeout=20)
    m.login("bob@example.test", "secret")
    return m
def appender(who):
    try:
        m = conn()
        for i in range(N):
            typ, _ = m.append("INBOX", None, None,
                              ("Subject: %s-%d\r\n\r\nbody\r\n" % (who, i)).encode())
            assert typ == "OK", typ
        m.logout()
    except Exception as e:
        errors.append("%s: %r" % (who, e))
def deliverer():
    for i in range(N):
        name = "17000000%02d.M%dP%d.deliver" % (i, i, os.getpid())
        with open(os.path.join(maildir, "tmp", name), "w") as f:
            f.write("Subject: dlv-%d\n\nbody\n" % i)
        os.rename(os.path.join(maildir, "tmp", name), os.path.join(maildir, "new", name))
        time.sleep(0.02)
def fetch_all(m):
    typ, data = m.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    out = []
    for d in data:
        if isinstance(d, tuple):
            uid = int(re.search(rb"UID (\d+)", d[0]).group(1))
            out.append((uid, d[1].decode().strip()))
    return out
def reader():
    try:
        m = conn()
        m.select("INBOX")
        for _ in range(15):
            m.noop()
            got = fetch_all(m)
            uids = [u for u, _ in got]
            assert uids == sorted(set(uids)), "UIDs not ascending/unique"
            for u, s in got:
                assert views.setdefault(u, s) == s, "UID %d changed message" % u
            time.sleep(0.03)
        m.logout()
    except Exception as e:
        errors.append("reader: %r" % e)
threads = [threading.Thread(target=appender, args=(w,)) for w in ("a", "b")]
threads += [threading.Thread(target=deliverer), threading.Thread(target=reader)]
for t in threads: t.start()
for t in threads: t.join(50)
m = conn()
m.select("INBOX")
final = fetch_all(m)
subjects = [s for _, s in final]
uids = [u for u, _ in final]
print("count", len(final), "distinct", len(set(subjects)))
print("ascending", uids == sorted(set(uids)))
for u, s in final:
    if u in views and views[u] != s:
        errors.append("UID %d was %s, now %s" % (u, views[u], s))
print("errors", errors)
m.logout()
PY
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "count 36 distinct 36"
	has_line "ascending True"
	has_line "errors []"
	[ "$(message_files)" -eq 36 ]
}

@test "one session expunges while another fetches: answers stay consistent, no crash" {
	for i in $(seq 10 49); do
		deliver "17000000$i.M${i}P1.x" "Subject: m$i\n\nbody of m$i\n"
	done
	server_start tcpserver "$IMAPD"
	run timeout 60 python3 - "$PORT" <<'PY'
import imaplib, re, sys, threading, time
port = int(sys.argv[1])
errors, done = [], threading.Event()
def conn():
    m = imaplib.IMAP4("127.0.0.1", port, timeout=20)
    m.login("bob@example.test", "secret")
    m.select("INBOX")
    return m
def expunger():
    try:
        m = conn()
        for k in range(10):
            m.uid("STORE", "%d:%d" % (4 * k + 1, 4 * k + 2), "+FLAGS", r"(\Deleted)")
            m.expunge()
            time.sleep(0.02)
        m.logout()
    except Exception as e:
        errors.append("expunger: %r" % e)
    done.set()
def fetcher():
    try:
        m = conn()
        rounds = 0
        while rounds < 60 and (not done.is_set() or rounds < 3):
            rounds += 1
            try:
                typ, data = m.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])")
            except imaplib.IMAP4.error as e:
                if "EXPUNGEISSUED" not in str(e):
                    raise
                continue
            items = [d for d in data if isinstance(d, tuple)]
            # each message: its subject and its text agree
            for i in range(0, len(items) - 1, 2):
                subj = items[i][1].decode().split()[-1]
                text = items[i + 1][1].decode().strip()
                assert text == "body of " + subj, (subj, text)
            m.noop()
        m.logout()
    except Exception as e:
        errors.append("fetcher: %r" % e)
threads = [threading.Thread(target=expunger), threading.Thread(target=fetcher)]
for t in threads: t.start()
for t in threads: t.join(50)
m = conn()
typ, data = m.uid("SEARCH", None, "ALL")
print("left", data[0].decode())
print("errors", errors)
m.logout()
PY
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "errors []"
	has_line "left 3 4 7 8 11 12 15 16 19 20 23 24 27 28 31 32 35 36 39 40"
	[ "$(message_files)" -eq 20 ]
	! grep -q 'event=.*error' "$BATS_TEST_TMPDIR/server.log"
}

@test "a file removed under a session: FETCH says EXPUNGEISSUED, NOOP expunges, no crash" {
	three_messages
	run imap "$LOGIN" "a SELECT INBOX" "b FETCH 2 RFC822.SIZE"
	mkfifo "$BATS_TEST_TMPDIR/in"
	"$IMAPD" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2>>"$BATS_TEST_TMPDIR/imapd.log" &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	printf '%s\r\n' "$LOGIN" "a SELECT INBOX" >&7
	for _ in $(seq 100); do grep -q '^a OK' "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	rm "$MAILDIR"/cur/1000000002.M2P2.test*         # behind the session's back
	sleep 1         # imapd looks at the folder at most once a second
	printf '%s\r\n' "b FETCH 1:3 BODY.PEEK[TEXT]" "c STORE 2 +FLAGS (\\Seen)" "d NOOP" "e FETCH 1:* UID" >&7
	exec 7>&-
	wait "$pid"
	output=$(tr -d '\r' < "$BATS_TEST_TMPDIR/out")
	echo "$output"
	has_line "b NO [EXPUNGEISSUED] Some messages were expunged"
	has_line "* 3 FETCH (BODY[TEXT] {12}"
	has_line "c NO [EXPUNGEISSUED] Some messages were expunged"
	has_line "* 2 EXPUNGE"
	has_line "* 2 FETCH (UID 3)"
	has_line "e OK FETCH completed"
}

@test "sessions selecting at once share out \\Recent: each new message recent in exactly one" {
	for i in $(seq 10 39); do
		deliver "17000000$i.M${i}P1.x" "Subject: m$i\n\nbody\n"
	done
	server_start tcpserver "$IMAPD"
	run timeout 60 python3 - "$PORT" <<'PY'
import imaplib, sys, threading
port = int(sys.argv[1])
recent, errors = [], []
def one():
    try:
        m = imaplib.IMAP4("127.0.0.1", port, timeout=20)
        m.login("bob@example.test", "secret")
        typ, data = m.select("INBOX")
        mine = int(m.untagged_responses.get("RECENT", [b"0"])[-1])
        recent.append(mine)
        typ, data = m.search(None, "RECENT")
        assert len(data[0].split()) == mine, (data, mine)
        m.logout()
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=one) for _ in range(5)]
for t in threads: t.start()
for t in threads: t.join(30)
print("recent total", sum(recent), "sessions", len(recent), "errors", errors)
PY
	echo "$output"
	has_line "recent total 30 sessions 5 errors []"
	[ -z "$(ls "$MAILDIR/new")" ]
	[ "$(grep '^m ' "$MAILDIR/postern-index" | cut -d' ' -f2 | sort -u | wc -l)" -eq 30 ]
}
