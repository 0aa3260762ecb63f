/* smtp_tls.h - STARTTLS for the SMTP client without a TLS library
 * (RFC 3207): the per-domain policy of the "tls" control file, and a
 * connection through stunnel(8) in client mode, which connects, passes
 * the server's greeting on, does EHLO and STARTTLS itself, and then
 * carries the session in clear on a socket pair. */
#ifndef POSTERN_QUEUE_SMTP_TLS_H
#define POSTERN_QUEUE_SMTP_TLS_H
#include "smtp_wire.h"

enum tls_policy {
	TLS_NONE,       /* never: the session stays in clear */
	TLS_MAY,        /* opportunistic: TLS when it works, else in clear */
	TLS_ENCRYPT,    /* TLS or nothing; the certificate is not checked */
	TLS_VERIFY,     /* TLS with a certificate that checks against the
			 * CA store ("tlscafile") and names the MX host */
};

/* The policy for domain: its line in "tls" ("domain policy"), else the
 * "*" line, else TLS_MAY. 0, or -1 with r set (451 4.3.0) when the file
 * cannot be read or names no known policy: the caller defers, so that a
 * broken file never sends in clear. */
int tls_policy(const char *domain, enum tls_policy *p, struct smtp_reply *r);

/* Connect to t through stunnel doing STARTTLS; verify checks the
 * certificate (TLS_VERIFY). The greeting is then read from c as usual;
 * when STARTTLS or the handshake fails, stunnel closes the connection
 * after the greeting. 0 (c->helper is stunnel's pid, reaped by
 * smtp_close), or -1 with a made-up 4xx in r. */
int smtp_connect_tls(struct smtp_conn *c, const struct mx_target *t,
		     int cap, int verify, struct smtp_reply *r);

/* The reply for a host that would not do TLS under encrypt or verify
 * (RFC 5248: X.7.10 encryption needed). */
void tls_refused(struct smtp_reply *r, const char *relay, int verify);

#endif
