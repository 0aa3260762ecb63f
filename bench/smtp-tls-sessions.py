#!/usr/bin/env python3
"""smtp-tls-sessions.py HOST PORT SESSIONS CLIENTS plain|starttls [RCPT]

SESSIONS SMTP sessions from CLIENTS parallel clients, each a new
connection: EHLO, STARTTLS and EHLO again (starttls mode; the certificate
is not checked), one small message, QUIT. Prints the wall-clock seconds.
Exits non-zero if any session failed."""
import smtplib, ssl, sys, threading, time

host, port, sessions, clients, mode = (sys.argv[1], int(sys.argv[2]),
                                       int(sys.argv[3]), int(sys.argv[4]),
                                       sys.argv[5])
rcpt = sys.argv[6] if len(sys.argv) > 6 else "u@bench.test"
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
body = "From: bench@bench.test\r\nSubject: tls bench\r\n\r\n" + "x" * 70 + "\r\n"
failed = []


def work(k):
    for _ in range(k, sessions, clients):
        try:
            s = smtplib.SMTP(host, port, timeout=60)
            s.ehlo("bench.client")
            if mode == "starttls":
                code = s.starttls(context=ctx)[0]
                if code != 220:
                    raise RuntimeError("STARTTLS got %d" % code)
                s.ehlo("bench.client")
            s.sendmail("bench@bench.test", [rcpt], body)
            s.quit()
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
