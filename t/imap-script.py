# t/imap-script.py IMAPD LOG: a scripted IMAP client (t/imapd-helpers.bash
# "client"): one imapd on pipes, steps on stdin: "send LINE", "expect
# REGEX [@SECONDS]" (fails unless a line matches in time, default 5),
# "absent REGEX" (no line so far matched), "run SHELL" (another actor).
# Prints every line received, then "exit N".
import os, re, select, subprocess, sys, time
imapd, log = sys.argv[1], open(sys.argv[2], "a")
p = subprocess.Popen([imapd], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
buf, seen = b"", []
def line(deadline):
    global buf
    while b"\n" not in buf:
        left = deadline - time.time()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            return None
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            return None
        buf += chunk
    l, buf = buf.split(b"\n", 1)
    return l.rstrip(b"\r").decode("utf-8", "replace")
for step in sys.stdin.read().split("\n"):
    if not step.strip():
        continue
    verb, _, arg = step.partition(" ")
    if verb == "send":
        p.stdin.write(arg.encode() + b"\r\n"); p.stdin.flush()
    elif verb == "run":
        subprocess.run(arg, shell=True, check=True, stdout=subprocess.DEVNULL)
    elif verb == "absent":
        if any(re.fullmatch(arg, l) for l in seen):
            print("unexpected: " + arg); sys.exit(1)
    elif verb == "expect":
        m = re.fullmatch(r"(.*?)(?: @(\d+))?", arg)
        deadline = time.time() + float(m.group(2) or 5)
        while True:
            l = line(deadline)
            if l is None:
                print("timeout waiting for: " + m.group(1)); sys.exit(1)
            seen.append(l)
            print(l)
            if re.fullmatch(m.group(1), l):
                break
p.stdin.close(); p.wait(timeout=10)
print("exit %d" % p.returncode)
