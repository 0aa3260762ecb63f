#!/usr/bin/env python3
"""t/deploy_client.py - the real clients of the deploy tests (smtplib,
poplib, imaplib), plain or over TLS (--tls, any certificate accepted).
Each step prints one line, "STEP CODE" or "STEP OK/NO ...", so that the
tests can compare the whole output.

  deploy_client.py [--tls] smtp PORT FROM TO
        greeting, EHLO, MAIL, RCPT, DATA, QUIT without AUTH
  deploy_client.py [--tls] submit PORT USER PASS FROM TO
        the same after AUTH (smtplib's login: PLAIN or LOGIN)
  deploy_client.py [--tls] pop3 PORT USER PASS
        USER/PASS, STAT (the count), RETR 1 (its Subject), QUIT
  deploy_client.py [--tls] imap PORT USER PASS
        LOGIN, SELECT INBOX (EXISTS), FETCH 1 Subject, LOGOUT
"""
import imaplib
import poplib
import smtplib
import ssl
import sys

TIMEOUT = 10


def context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def message(sender, rcpt):
    return ("From: <%s>\r\nTo: <%s>\r\nSubject: deploy test\r\n\r\n"
            "Hello from the deploy tests.\r\n" % (sender, rcpt))


def smtp(tls, port, user, password, sender, rcpt):
    if tls:
        s = smtplib.SMTP_SSL("127.0.0.1", port, timeout=TIMEOUT,
                             context=context())
    else:
        s = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
    print("ehlo", s.ehlo()[0])
    if user is not None:
        try:
            s.login(user, password)
            print("auth 235")
        except smtplib.SMTPAuthenticationError as e:
            print("auth", e.smtp_code)
        except smtplib.SMTPNotSupportedError:
            print("auth not offered")
    print("mail", s.mail(sender)[0])
    code = s.rcpt(rcpt)[0]
    print("rcpt", code)
    if code == 250:
        print("data", s.data(message(sender, rcpt))[0])
    print("quit", s.quit()[0])


def subject(lines):
    for line in lines:
        if line.lower().startswith(b"subject:"):
            return line.decode(errors="replace").strip()
    return "no subject"


def pop3(tls, port, user, password):
    if tls:
        p = poplib.POP3_SSL("127.0.0.1", port, timeout=TIMEOUT,
                            context=context())
    else:
        p = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
    print("greeting", p.getwelcome().split()[0].decode())
    try:
        p.user(user)
        p.pass_(password)
    except poplib.error_proto as e:
        print("login", e.args[0].decode(errors="replace"))
        return
    print("login +OK")
    count = p.stat()[0]
    print("stat", count)
    if count:
        print("retr", subject(p.retr(1)[1]))
    print("quit", p.quit().split()[0].decode())


def imap(tls, port, user, password):
    if tls:
        m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context(),
                              timeout=TIMEOUT)
    else:
        m = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
    print("greeting", m.welcome.split()[1].decode())
    try:
        print("login", m.login(user, password)[0])
    except imaplib.IMAP4.error as e:
        print("login NO", e)
        return
    typ, data = m.select("INBOX")
    print("select", typ, data[0].decode())
    if int(data[0]):
        typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        print("fetch", typ, subject(data[0][1].splitlines()))
    print("logout", m.logout()[0])


def main(argv):
    tls = False
    if argv and argv[0] == "--tls":
        tls = True
        argv = argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, port, rest = argv[0], int(argv[1]), argv[2:]
    if cmd == "smtp" and len(rest) == 2:
        smtp(tls, port, None, None, *rest)
    elif cmd == "submit" and len(rest) == 4:
        smtp(tls, port, *rest)
    elif cmd == "pop3" and len(rest) == 2:
        pop3(tls, port, *rest)
    elif cmd == "imap" and len(rest) == 2:
        imap(tls, port, *rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
