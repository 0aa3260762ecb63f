#!/usr/bin/env python3
"""guess.py - password guessing against imapd, for t/auth-penalty.bats.

    guess.py PORT SECONDS CONNECTIONS USER [SOURCE-IP]

CONNECTIONS threads each log in as USER with wrong passwords over and
over for SECONDS (reconnecting when the server hangs up), from
SOURCE-IP (default 127.0.0.1). Prints the number of guesses answered
within the time."""
import socket, sys, threading, time

port, seconds, conns, user = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
source = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
deadline = time.monotonic() + seconds
lock = threading.Lock()
answered = [0]


def session(n):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(max(0.1, deadline - time.monotonic()))
    s.connect(("127.0.0.1", port))
    f = s.makefile("rb")
    f.readline()                                    # greeting
    k = 0
    while time.monotonic() < deadline:
        k += 1
        s.sendall(b"a%d LOGIN %s wrong-%d-%d\r\n" % (k, user.encode(), n, k))
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            line = f.readline()
            if not line:
                return
            if line.startswith(b"a%d " % k):
                with lock:
                    answered[0] += 1
                break


def worker(n):
    while time.monotonic() < deadline:
        try:
            session(n)
        except OSError:
            pass


threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(answered[0])
