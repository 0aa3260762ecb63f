#!/usr/bin/env python3
"""smtp-chunks.py PORT MODE MESSAGES LENGTH CLIENTS PER_CONN

Send MESSAGES messages of LENGTH bytes to 127.0.0.1:PORT from CLIENTS
parallel clients, PER_CONN messages per connection, each transaction
pipelined (RFC 2920) as smtp-source does: MODE "data" sends DATA and the
dot-stuffed text, "bdat" one BDAT LAST chunk (RFC 3030). Prints the
seconds taken; exits 1 if any message was not accepted. Used by
bench/smtpd-bench so that DATA and BDAT are measured by the same client."""
import socket, sys, threading, time

port, mode, count, length, clients, per = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                           int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
line = b"x" * 78 + b"\r\n"
body = b"From: <sender@remote.test>\r\nSubject: bench\r\n\r\n" + line * (length // len(line))
failed = []


def replies(f, n):
    codes = []
    while len(codes) < n:
        l = f.readline()
        if not l:
            raise EOFError("connection closed")
        if l[3:4] != b"-":
            codes.append(int(l[:3]))
    return codes


def transaction():
    head = b"MAIL FROM:<sender@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
    if mode == "bdat":
        return head + b"BDAT %d LAST\r\n" % len(body) + body, 3
    return head + b"DATA\r\n", 3


def connection(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    f = s.makefile("rb")
    replies(f, 1)
    s.sendall(b"EHLO bench.client\r\n")
    replies(f, 1)
    for _ in range(n):
        out, want = transaction()
        s.sendall(out)
        codes = replies(f, want)
        if mode == "data":
            s.sendall(body + b".\r\n")
            codes += replies(f, 1)
        if codes[-1] != 250 or codes[0] != 250:
            failed.append(codes)
    s.sendall(b"QUIT\r\n")
    replies(f, 1)
    s.close()


def work(k):
    todo = len(range(k, count, clients))
    try:
        while todo > 0:
            connection(min(per, todo))
            todo -= per
    except Exception as e:  # noqa: BLE001
        failed.append(repr(e))


t0 = time.monotonic()
threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("%.3f" % (time.monotonic() - t0))
if failed:
    print("failures: %d, first: %s" % (len(failed), failed[0]), file=sys.stderr)
    sys.exit(1)
