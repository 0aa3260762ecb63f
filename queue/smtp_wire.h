/* smtp_wire.h - the SMTP client's connection: connect with a timeout,
 * read (multi-line) replies, send commands and the message body. */
#ifndef POSTERN_QUEUE_SMTP_WIRE_H
#define POSTERN_QUEUE_SMTP_WIRE_H
#include <sys/types.h>
#include "input.h"
#include "limits.h"
#include "mx.h"
#include "output.h"

struct smtp_conn {
	int fd;
	pid_t helper;                   /* the TLS program (smtp_tls.c), or -1 */
	int cap;                        /* seconds capping every wait; 0 none */
	char relay[ADDRESS_DOMAIN_MAX + 80];    /* "host[address]:port" */
	int pipelining, eightbitmime, smtputf8, starttls, chunking, binarymime, dsn;
	long long size_max;             /* SIZE from EHLO; 0 none given */
	struct input in;
	struct output out;
};

struct smtp_reply {
	int code;                       /* 3 digits; 421 made up on trouble */
	char text[STATE_REPLY_MAX];     /* lines joined by "; ", printable */
};

/* Start c for target t: fields cleared, cap set, c->relay described as
 * "host[address]:port"; no connection yet. */
void smtp_conn_start(struct smtp_conn *c, const struct mx_target *t, int cap);

/* Speak over fd from now on (a connected socket, or the TLS program's end
 * of a socket pair), with the reply and block timeouts. */
void smtp_conn_attach(struct smtp_conn *c, int fd);

/* The text address and port of t into addr (size bytes). 0 or -1. */
int smtp_target_address(const struct mx_target *t, char *addr, size_t size,
			int *port);

/* Set r to a made-up reply: code and printf text (made printable). */
void smtp_made_up(struct smtp_reply *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Connect to target within SMTP_TIMEOUT_CONNECT (capped by cap). 0, or
 * -1 with a made-up 4xx reply describing the failure in r. */
int smtp_connect(struct smtp_conn *c, const struct mx_target *t, int cap,
		 struct smtp_reply *r);

/* Read one reply, waiting at most timeout seconds (capped). With ehlo set
 * the extension keywords are recorded in c. 0, or -1 when the connection
 * failed, timed out or spoke nonsense (r then holds a made-up 421). */
int smtp_read_reply(struct smtp_conn *c, int timeout, struct smtp_reply *r,
		    int ehlo);

/* Queue one command line (CRLF added). 0 or -1. */
int smtp_command(struct smtp_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Send everything queued. 0, or -1 with r set to a made-up 421. */
int smtp_flush(struct smtp_conn *c, struct smtp_reply *r);

/* Set r to a made-up reply (code, printf text made printable). */
void smtp_made_up(struct smtp_reply *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* r becomes a made-up 421 "write failed" for c; returns -1. */
int smtp_write_failed(struct smtp_conn *c, struct smtp_reply *r);

/* Close the connection; end and reap the TLS program if there is one. */
void smtp_close(struct smtp_conn *c);

#endif
