/* starttls.h - STARTTLS through the TLS wrapper's control pipe.
 *
 * postern links no TLS library (DESIGN.md "Running per connection").
 * Under "tlswrapper -n" the server gets the write end of a control pipe
 * on fd 5 and talks in clear on stdin/stdout; to start TLS it writes its
 * "go ahead" reply (SMTP 220, IMAP tagged OK, POP3 +OK) to fd 5 and
 * closes it, and the wrapper sends that reply in clear and begins the
 * TLS handshake on the next byte (tlswrapper(1)). smtpd, imapd and pop3d
 * share this module. */
#ifndef POSTERN_STARTTLS_H
#define POSTERN_STARTTLS_H
#include "input.h"
#include "output.h"

/* Look at fd 5 once, first thing in main (before any file is opened, so
 * that fd 5 is the wrapper's or nothing): STARTTLS may be offered when it
 * is the write end of a pipe. */
void starttls_init(void);

/* May STARTTLS be offered now? 1 when fd 5 was the control pipe and TLS
 * has not been started yet, else 0. (The caller also offers it only on a
 * link that is not encrypted already: -T, $SSL_PROTOCOL.) */
int starttls_available(void);

/* Start TLS: flush out (replies queued before it go in clear, in order),
 * write reply (one line, CRLF included) to the control pipe and close it,
 * then throw away all input already read or waiting (input_discard): a
 * command pipelined after STARTTLS was sent in clear and must never run
 * (CVE-2011-0411). Bytes the client sends after this are the TLS
 * session's. Returns 0, or -1 when out or the pipe failed (the caller
 * ends the session; errno says why). Afterwards starttls_available() is 0. */
int starttls_start(struct input *in, struct output *out, const char *reply);

#endif
