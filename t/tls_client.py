#!/usr/bin/env python3
"""t/tls_client.py - STARTTLS clients for the TLS tests (t/tls-*.bats).

  tls_client.py inject PROTO PORT CAFILE
      Plain dialog up to STARTTLS (SMTP), STARTTLS (IMAP) or STLS (POP3),
      sent in ONE packet together with a command after it (CVE-2011-0411),
      then the TLS handshake and one more command. Prints every line the
      server sent, "--- tls" where TLS began. The pipelined command must
      never be answered.
  tls_client.py again PROTO PORT CAFILE
      STARTTLS, then STARTTLS again under TLS: prints the second answer.
  tls_client.py plainauth PROTO PORT USER PASS
      A password login on the plain link: prints the server's answer.
  tls_client.py lib PROTO PORT CAFILE USER PASS
      The standard library's client: smtplib/imaplib/poplib starttls(),
      then a login and one command. Prints what it did.
Every socket has a 10 s timeout.
"""
import base64
import imaplib
import poplib
import smtplib
import socket
import ssl
import sys

TIMEOUT = 10


def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False      # the test certificate names localhost
    return ctx


class Line:
    """Line reader over a socket that can be wrapped in TLS midway."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), TIMEOUT)
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode().rstrip("\r")
        print(text)
        return text

    def send(self, text):
        self.sock.sendall(text.encode())

    def smtp_reply(self):
        while True:
            text = self.line()
            if len(text) < 4 or text[3] != "-":
                return text

    def until(self, prefix):
        while True:
            text = self.line()
            if text.startswith(prefix):
                return text

    def tls(self, cafile):
        assert not self.buf, "server sent more before TLS: %r" % self.buf
        self.sock = context(cafile).wrap_socket(self.sock)
        print("--- tls")


# What each protocol sends before, as, and after STARTTLS.
def smtp_start(c, after):
    c.smtp_reply()
    c.send("EHLO client.test\r\n")
    c.smtp_reply()
    c.send("STARTTLS\r\n" + after)
    return c.smtp_reply()


def imap_start(c, after):
    c.line()
    c.send("a STARTTLS\r\n" + after)
    return c.until("a ")


def pop3_start(c, after):
    c.line()
    c.send("STLS\r\n" + after)
    return c.line()


START = {"smtp": smtp_start, "imap": imap_start, "pop3": pop3_start}
# The command pipelined after STARTTLS, and the probe sent under TLS.
INJECT = {
    "smtp": ("MAIL FROM:<evil@example.test>\r\n",
             "MAIL FROM:<bob@example.test>\r\n"),
    "imap": ("b LOGIN bob@example.test secret\r\n", "c CAPABILITY\r\n"),
    "pop3": ("USER bob@example.test\r\n", "PASS secret\r\n"),
}


def inject(proto, port, cafile):
    c = Line(port)
    after, probe = INJECT[proto]
    START[proto](c, after)
    c.tls(cafile)
    if proto == "smtp":
        c.send("EHLO client.test\r\n")
        c.smtp_reply()
    c.send(probe)
    if proto == "imap":
        c.until("c ")
    else:
        c.line()


def again(proto, port, cafile):
    c = Line(port)
    START[proto](c, "")
    c.tls(cafile)
    if proto == "smtp":
        c.send("EHLO client.test\r\n")
        c.smtp_reply()
        c.send("STARTTLS\r\n")
        c.smtp_reply()
    elif proto == "imap":
        c.send("b STARTTLS\r\n")
        c.until("b ")
    else:
        c.send("STLS\r\n")
        c.line()


def plainauth(proto, port, user, password):
    c = Line(port)
    plain = base64.b64encode(b"\0" + user.encode() + b"\0" +
                             password.encode()).decode()
    if proto == "smtp":
        c.smtp_reply()
        c.send("EHLO client.test\r\n")
        c.smtp_reply()
        c.send("AUTH PLAIN " + plain + "\r\n")
        c.smtp_reply()
    elif proto == "imap":
        c.line()
        c.send("a LOGIN " + user + " " + password + "\r\n")
        c.until("a ")
        c.send("b AUTHENTICATE PLAIN " + plain + "\r\n")
        c.until("b ")
    else:
        c.line()
        c.send("USER " + user + "\r\n")
        c.line()
        c.send("AUTH PLAIN " + plain + "\r\n")
        c.line()


def lib(proto, port, cafile, user, password):
    ctx = context(cafile)
    if proto == "smtp":
        with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as s:
            s.ehlo("client.test")
            print("starttls offered:", s.has_extn("starttls"))
            print("auth before:", s.has_extn("auth"))
            print("starttls:", s.starttls(context=ctx)[0])
            s.ehlo("client.test")
            print("starttls after:", s.has_extn("starttls"))
            print("login:", s.login(user, password)[0])
            s.sendmail(user, [user], "Subject: smtplib\r\n\r\nover TLS\r\n")
            print("sent")
    elif proto == "imap":
        m = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
        print("capabilities:", " ".join(m.capabilities))
        print("starttls:", m.starttls(ssl_context=ctx)[0])
        print("capabilities:", " ".join(m.capabilities))
        print("login:", m.login(user, password)[0])
        print("select:", m.select("INBOX")[0])
        m.logout()
    else:
        p = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
        print("capa:", " ".join(sorted(p.capa())))
        print("stls:", p.stls(context=ctx).decode())
        print("capa:", " ".join(sorted(p.capa())))
        p.user(user)
        print("pass:", p.pass_(password).decode().split()[0])
        print("stat:", p.stat())
        p.quit()


def main():
    cmd, proto, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    args = sys.argv[4:]
    {"inject": inject, "again": again, "plainauth": plainauth,
     "lib": lib}[cmd](proto, port, *args)


if __name__ == "__main__":
    main()
