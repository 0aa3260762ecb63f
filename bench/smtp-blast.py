#!/usr/bin/env python3
"""smtp-blast.py HOST PORT COUNT RCPT_PATTERN [CLIENTS] [PER_CONN]

Send COUNT small messages over SMTP from CLIENTS parallel clients, each
opening a new connection every PER_CONN messages. RCPT_PATTERN has "{i}"
replaced by the message number, "{m}" by it modulo 10. Exits non-zero if any message failed."""
import smtplib, sys, threading

host, port, count, pattern = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 8
per_conn = int(sys.argv[6]) if len(sys.argv) > 6 else 10
failed = []
body = "From: bench@bench.test\r\nSubject: bench {i}\r\n\r\n" + "x" * 70 + "\r\n"


def work(k):
    nums = list(range(k, count, clients))
    for start in range(0, len(nums), per_conn):
        try:
            s = smtplib.SMTP(host, port, timeout=60)
            s.ehlo("bench.client")
            for i in nums[start:start + per_conn]:
                s.sendmail("bench@bench.test", [pattern.format(i=i, m=i % 10)], body.format(i=i))
            s.quit()
        except Exception as e:  # noqa: BLE001
            failed.append(repr(e))


threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failed:
    print("failures: %d, first: %s" % (len(failed), failed[0]), file=sys.stderr)
    sys.exit(1)
