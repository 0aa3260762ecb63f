"""imapd_pipe.py - one imapd on pipes for the timing tests (IDLE, NOTIFY):
send a line, wait for a word in its output with a time limit.
Usage: from imapd_pipe import Imapd; i = Imapd(imapd_path, log_path)."""
import os
import select
import subprocess
import sys
import time


class Imapd:
    def __init__(self, imapd, log):
        self.log = open(log, "a")
        self.p = subprocess.Popen([imapd], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.log)
        self.buf = b""

    def until(self, word, limit=8.0):
        """Wait for word in the output (exit the test after limit s)."""
        end = time.time() + limit
        while word not in self.buf:
            left = end - time.time()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                sys.exit("timeout waiting for %r; got %r" % (word, self.buf))
            self.buf += os.read(self.p.stdout.fileno(), 65536)
        self.buf = self.buf.split(word, 1)[1]

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\r\n")
        self.p.stdin.flush()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)
