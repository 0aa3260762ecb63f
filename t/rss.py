#!/usr/bin/env python3
"""rss.py INPUT OUTPUT LAST CMD...: run CMD with the bytes of INPUT on its
stdin (written from a thread, so a 50 MB literal does not block), copy its
stdout to OUTPUT until a line matching the regular expression LAST (from
its start; the line with its CRLF) arrives, then print
the peak resident set size of CMD (VmHWM of /proc/PID/status, in kB),
close stdin, and wait for it. Used by t/servers-memory.bats."""
import re, subprocess, sys, threading

def main():
    inp, outp, last = sys.argv[1], sys.argv[2], re.compile(sys.argv[3].encode())
    p = subprocess.Popen(sys.argv[4:], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)

    def feed():
        try:
            with open(inp, "rb") as f:
                while True:
                    b = f.read(1 << 16)
                    if not b:
                        break
                    p.stdin.write(b)
            p.stdin.flush()
        except BrokenPipeError:
            pass

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    hwm = None
    with open(outp, "wb") as out:
        for line in p.stdout:
            out.write(line)
            if last.match(line):
                with open("/proc/%d/status" % p.pid) as st:
                    for l in st:
                        if l.startswith("VmHWM:"):
                            hwm = int(l.split()[1])
                break
        t.join(timeout=60)
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
        out.write(p.stdout.read())
    p.wait(timeout=60)
    if hwm is None:
        sys.exit("rss.py: no line matched %r" % sys.argv[3])
    print(hwm)

main()
