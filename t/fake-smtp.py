#!/usr/bin/env python3
"""fake-smtp.py - a scripted SMTP server for the queue tests.

    fake-smtp.py --listen 127.0.0.1:0 --dir DIR [--conn SPEC]...

Writes the port it got to DIR/port, every command line it receives to
DIR/transcript (one "C<n>: line" each, n the connection number), each
message it accepts (as received on the wire, CRLF and dot-stuffing
included) to DIR/msg-<k>. Connection n follows the n-th --conn SPEC (the
last one repeats; none: accept everything). A SPEC is comma-separated:

  greeting=CODE mail=CODE rcpt=CODE data=CODE end=CODE ehlo=CODE
  bdat=CODE           the reply to every BDAT chunk but the last (with
                      CHUNKING in ext; the last gets end=CODE)
  rcpt:ADDRESS=CODE   (that recipient only)
  ext=PIPELINING+8BITMIME+SMTPUTF8+SIZE=N+CHUNKING+BINARYMIME+DSN
                      (default: the first three)
  drop=PHASE          close without a reply at greeting|mail|rcpt|data|end
  sleep=SECONDS@PHASE wait before replying at that phase
  multiline=1         every reply in two lines ("250-...", "250 more")

With --sink nothing is recorded but one byte per accepted message in
DIR/count (benchmarks).
"""
import argparse, os, socket, socketserver, sys, threading, time

lock = threading.Lock()
counter = {"conn": 0, "msg": 0}


def parse_spec(spec):
    s = {"ext": "PIPELINING+8BITMIME+SMTPUTF8"}
    for item in filter(None, spec.split(",")):
        k, _, v = item.partition("=")
        s[k] = v
    return s


class Handler(socketserver.StreamRequestHandler):
    def setup(self):
        # replies go out at once (no Nagle delay against delayed ACKs)
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        with lock:
            counter["conn"] += 1
            self.n = counter["conn"]
        specs = self.server.specs
        self.spec = specs[min(self.n, len(specs)) - 1] if specs else parse_spec("")

    def log(self, line):
        if self.server.sink:
            return
        with lock, open(os.path.join(self.server.dir, "transcript"), "a") as f:
            f.write("C%d: %s\n" % (self.n, line))

    def phase(self, name, default):
        """Returns the code for a phase, or None to drop."""
        sl = self.spec.get("sleep", "")
        if sl.endswith("@" + name):
            time.sleep(float(sl.split("@")[0]))
        if self.spec.get("drop") == name:
            return None
        return self.spec.get(name, default)

    def reply(self, code, text):
        if self.spec.get("multiline"):
            self.wfile.write(("%s-%s\r\n%s and more\r\n" % (code, text, code)).encode())
        else:
            self.wfile.write(("%s %s\r\n" % (code, text)).encode())
        self.wfile.flush()

    def handle(self):
        code = self.phase("greeting", "220")
        if code is None:
            return
        self.reply(code, "fake.test ESMTP")
        if not code.startswith("2"):
            self.wait_quit()
            return
        rcpts = []
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.log(line)
            verb = line.split(" ")[0].upper()
            if not self.command(verb, line, rcpts):
                return

    def wait_quit(self):
        raw = self.rfile.readline(4096)
        if raw:
            self.log(raw.decode("utf-8", "replace").rstrip("\r\n"))
            self.reply("221", "bye")

    def ehlo(self, line):
        code = self.spec.get("ehlo", "250")
        if not code.startswith("2"):
            self.reply(code, "no EHLO here")
            return
        exts = [e for e in self.spec["ext"].split("+") if e]
        lines = ["fake.test"] + [e.replace("=", " ") for e in exts]
        out = "".join("%s-%s\r\n" % (code, l) for l in lines[:-1])
        out += "%s %s\r\n" % (code, lines[-1])
        self.wfile.write(out.encode())
        self.wfile.flush()

    def command(self, verb, line, rcpts):
        if verb == "EHLO":
            self.ehlo(line)
        elif verb == "HELO":
            self.reply("250", "fake.test")
        elif verb == "MAIL":
            code = self.phase("mail", "250")
            if code is None:
                return False
            rcpts.clear()
            self.chunks = b""
            self.reply(code, "2.1.0 sender ok" if code.startswith("2") else "sender refused")
        elif verb == "RCPT":
            addr = line[line.find("<") + 1:line.find(">")]
            code = self.phase("rcpt", "250")
            if code is None:
                return False
            code = self.spec.get("rcpt:" + addr, code)
            if code.startswith("2"):
                rcpts.append(addr)
            self.reply(code, "recipient %s" % ("ok" if code.startswith("2") else "refused"))
        elif verb == "DATA":
            return self.data(rcpts)
        elif verb == "BDAT":
            return self.bdat(line, rcpts)
        elif verb == "RSET":
            rcpts.clear()
            self.reply("250", "ok")
        elif verb == "QUIT":
            self.reply("221", "bye")
            return False
        else:
            self.reply("502", "unknown")
        return True

    def bdat(self, line, rcpts):
        """RFC 3030: read exactly the chunk, then reply."""
        words = line.split(" ")
        size, last = int(words[1]), len(words) > 2 and words[2].upper() == "LAST"
        chunk = self.rfile.read(size)
        if len(chunk) != size:
            return False
        self.chunks = getattr(self, "chunks", b"") + chunk
        if not rcpts:
            self.reply("503", "no valid recipients")
            return True
        if not last:
            code = self.spec.get("bdat", "250")
            self.reply(code, "chunk %s" % ("ok" if code.startswith("2") else "refused"))
            return True
        self.log("<bdat message %d bytes>" % len(self.chunks))
        return self.accept(self.chunks, rcpts)

    def data(self, rcpts):
        code = self.phase("data", "354" if rcpts else "554")
        if code is None:
            return False
        self.reply(code, "go ahead" if code == "354" else "no valid recipients")
        if code != "354":
            return True
        body = b""
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return False
            if raw == b".\r\n":
                break
            body += raw
        self.log("<message %d bytes>" % len(body))
        return self.accept(body, rcpts)

    def accept(self, body, rcpts):
        code = self.phase("end", "250")
        if code is None:
            return False
        if code.startswith("2") and self.server.sink:
            with lock:
                counter["msg"] += 1
                self.server.count_file.write(b".")
                self.server.count_file.flush()
        elif code.startswith("2"):
            with lock:
                counter["msg"] += 1
                k = counter["msg"]
            with open(os.path.join(self.server.dir, "msg-%d" % k), "wb") as f:
                f.write(body)
        self.reply(code, "2.0.0 queued as fake%d" % counter["msg"] if code.startswith("2")
                   else "message refused")
        rcpts.clear()
        return True


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    request_queue_size = 128
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--conn", action="append", default=[])
    ap.add_argument("--sink", action="store_true")
    a = ap.parse_args()
    host, _, port = a.listen.rpartition(":")
    srv = Server((host, int(port)), Handler)
    srv.dir = a.dir
    srv.specs = [parse_spec(s) for s in a.conn]
    srv.sink = a.sink
    os.makedirs(a.dir, exist_ok=True)
    srv.count_file = open(os.path.join(a.dir, "count"), "ab") if a.sink else None
    tmp = os.path.join(a.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, os.path.join(a.dir, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
