/* smtpd.h - the SMTP server's session, replies and handlers.
 *
 * One process serves one connection on stdin/stdout (DESIGN.md "Running
 * per connection"). The protocol's state machine is the command table in
 * main.c: each verb lists the states in which it is allowed. */
#ifndef POSTERN_SMTPD_H
#define POSTERN_SMTPD_H
#include <stddef.h>
#include "input.h"
#include "limits.h"
#include "settings.h"
#include "output.h"
#include "spool.h"

/* Session states; a bit each so that the command table can list sets. */
enum smtp_state {
	STATE_GREETED = 1 << 0,  /* greeting sent, no HELO/EHLO yet */
	STATE_HELLO   = 1 << 1,  /* HELO/EHLO done, no mail transaction */
	STATE_MAIL    = 1 << 2,  /* MAIL accepted, no recipient yet */
	STATE_RCPT    = 1 << 3,  /* at least one recipient accepted */
	STATE_CLOSED  = 1 << 4,  /* QUIT answered or 421 sent: leave the loop */
};
#define STATE_ANY (STATE_GREETED | STATE_HELLO | STATE_MAIL | STATE_RCPT)

/* What a handler returns: a standard reply the loop writes from the
 * table in reply.c, or REPLY_SENT / REPLY_SENT_BAD when the handler wrote
 * its own reply. Replies marked "bad" count toward SMTP_BAD_COMMANDS_MAX;
 * replies marked "close" end the session. */
enum reply {
	REPLY_SENT,             /* handler replied: a success */
	REPLY_SENT_BAD,         /* handler replied: a client error */
	REPLY_OK,               /* 250 2.0.0 */
	REPLY_OK_SENDER,        /* 250 2.1.0 */
	REPLY_OK_RCPT,          /* 250 2.1.5 */
	REPLY_BYE,              /* 221 2.0.0, close */
	REPLY_VRFY,             /* 252 2.5.2 */
	REPLY_UNKNOWN,          /* 500 5.5.1 */
	REPLY_NOT_IMPLEMENTED,  /* 502 5.5.1 */
	REPLY_LINE_TOO_LONG,    /* 500 5.5.2 */
	REPLY_BARE_CR_LF,       /* 500 5.5.2 */
	REPLY_NUL,              /* 500 5.5.2 */
	REPLY_SEQUENCE,         /* 503 5.5.1 */
	REPLY_NESTED_MAIL,      /* 503 5.5.1 */
	REPLY_NEED_MAIL,        /* 503 5.5.1 */
	REPLY_NEED_HELLO,       /* 503 5.5.1 */
	REPLY_NO_RCPT,          /* 554 5.5.1 */
	REPLY_SYNTAX,           /* 501 5.5.4 */
	REPLY_BAD_SENDER,       /* 501 5.1.7 */
	REPLY_BAD_RCPT,         /* 501 5.1.3 */
	REPLY_BAD_PARAM,        /* 501 5.5.4 */
	REPLY_UNKNOWN_PARAM,    /* 555 5.5.4 */
	REPLY_UTF8_ADDRESS,     /* 553 5.6.7 */
	REPLY_TOO_BIG,          /* 552 5.3.4 */
	REPLY_NO_STORAGE,       /* 452 4.3.1 */
	REPLY_TEMPFAIL,         /* 451 4.3.0 */
	REPLY_CONFIG,           /* 421 4.3.0, close */
	REPLY_TOO_MANY_RCPT,    /* 452 4.5.3 */
	REPLY_NO_USER,          /* 550 5.1.1 */
	REPLY_RELAY_DENIED,     /* 554 5.7.1 */
	REPLY_AUTH_REQUIRED,    /* 530 5.7.0 */
	REPLY_NOT_OWNER,        /* 553 5.7.1 */
	REPLY_AUTH_OK,          /* 235 2.7.0 */
	REPLY_AUTH_FAILED,      /* 535 5.7.8 */
	REPLY_AUTH_TOO_MANY,    /* 421 4.7.0, close */
	REPLY_AUTH_CANCELLED,   /* 501 5.0.0 */
	REPLY_AUTH_BASE64,      /* 501 5.5.2 */
	REPLY_AUTH_MECH,        /* 504 5.5.4 */
	REPLY_AUTH_ENCRYPT,     /* 538 5.7.11 */
	REPLY_AUTH_TEMP,        /* 454 4.7.0 */
	REPLY_AUTH_AGAIN,       /* 503 5.5.1 */
	REPLY_AUTH_LINE,        /* 500 5.5.6 */
	REPLY_TIMEOUT,          /* 421 4.4.2, close */
	REPLY_TOO_MANY_ERRORS,  /* 421 4.7.0, close */
	REPLY_DATA_LONG_LINE,   /* 554 5.6.0 */
	REPLY_DATA_BARE_CR_LF,  /* 554 5.6.0 */
	REPLY_DATA_NUL,         /* 554 5.6.0 */
	REPLY_LOOP,             /* 554 5.4.6 */
	REPLY_COUNT
};

/* A number read from a control file once per session; -1 until read. */
struct setting {
	enum setting_id id;     /* its row in lib/settings.c */
	long value;
	int loaded;
};

struct session {
	enum smtp_state state;
	int submission;         /* -s: RFC 6409 message submission */
	int encrypted;          /* -T or $SSL_PROTOCOL: a TLS wrapper runs us */
	int esmtp;              /* the client said EHLO */
	int relayclient;        /* $RELAYCLIENT is set (tcpserver rules) */
	int relaynet;           /* client in relaynets: -1 not yet known */
	int bad_commands;       /* client errors in a row */
	int auth_failures;
	int smtputf8;           /* MAIL ... SMTPUTF8 */
	int eightbit;           /* MAIL ... BODY=8BITMIME */
	long declared_size;     /* MAIL ... SIZE=, 0 when not given */
	unsigned long queued;   /* messages accepted in this session */
	struct setting maxsize, maxrcpt, timeout;
	char me[256];
	char client_ip[64];
	char client_host[256];  /* $TCPREMOTEHOST when the launcher gave one */
	char helo[256];         /* sanitized HELO/EHLO argument */
	char auth_user[ADDRESS_PATH_MAX + 1];
	struct envelope env;    /* the transaction; valid from MAIL on */
	int spool_ready;
	struct spool spool;
	struct input in;
	struct output out;
};

/* reply.c */
/* Write the standard reply r (not REPLY_SENT*). Marks the session closed
 * when r is a closing reply. */
void reply_send(struct session *s, enum reply r);
/* The enhanced status code of r for the log ("-" for REPLY_SENT*). */
const char *reply_status(enum reply r);
/* Is r a client error that counts toward SMTP_BAD_COMMANDS_MAX? */
int reply_is_bad(enum reply r);
/* Write one reply line "code text" (text printf-formatted). */
void reply_line(struct session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Flush replies unless pipelined input is waiting (RFC 2920 §3.2);
 * a failed write closes the session. */
void reply_flush(struct session *s, int force);

/* commands.c: handlers for the verbs; args is the text after the verb
 * and one space ("" when none). */
enum reply cmd_helo(struct session *s, char *args);
enum reply cmd_ehlo(struct session *s, char *args);
enum reply cmd_mail(struct session *s, char *args);
enum reply cmd_rcpt(struct session *s, char *args);
enum reply cmd_rset(struct session *s, char *args);
enum reply cmd_noop(struct session *s, char *args);
enum reply cmd_quit(struct session *s, char *args);
enum reply cmd_vrfy(struct session *s, char *args);
enum reply cmd_help(struct session *s, char *args);
enum reply cmd_expn(struct session *s, char *args);
/* End the mail transaction: forget the envelope, back to STATE_HELLO. */
void transaction_reset(struct session *s);
/* A control-file number, read on first use. 0, or -1 when the file holds
 * garbage or cannot be read (the caller answers 421 4.3.0). */
int setting_get(struct setting *st, long *out);

/* data.c */
enum reply cmd_data(struct session *s, char *args);
/* Open the spool (once) and check that it has room for a message of
 * size bytes plus SPOOL_MIN_FREE: REPLY_OK, REPLY_NO_STORAGE (452 4.3.1)
 * or REPLY_TEMPFAIL (the spool cannot be opened). */
enum reply spool_space(struct session *s, long size);

/* auth.c */
enum reply cmd_auth(struct session *s, char *args);
/* May AUTH be offered on this link? 1 yes, 0 no, -1 configuration error. */
int auth_allowed(struct session *s);

/* policy.c */
/* Decide on a recipient (RFC 5321 §3.3 RCPT): REPLY_OK_RCPT to accept,
 * else the refusal. rcpt is "local@domain". */
enum reply policy_recipient(struct session *s, const char *rcpt,
			    const char *domain);
/* May the session send as sender ("" for <>)? REPLY_OK or
 * REPLY_NOT_OWNER (submission: RFC 6409 §4.3 / §6.1). */
enum reply policy_sender(struct session *s, const char *sender);

/* headers.c: the header lines smtpd adds to a message. */
/* Append the Received: trace field (RFC 5321 §4.4) for queue ID id,
 * LF line ends, to out. 0, or -1 when out is full. */
struct bytes;
int header_received(struct session *s, const char *id, struct bytes *out);
/* Append "Date: ..." (RFC 5322 §3.6.1) for now. 0 or -1. */
int header_date(struct bytes *out);
/* Append "Message-ID: <id@me>" (RFC 5322 §3.6.4). 0 or -1. */
int header_message_id(struct session *s, const char *id,
		      struct bytes *out);
/* Is line (no line end) a header field named name (ASCII case ignored)? */
int header_is(const char *line, size_t len, const char *name);

#endif
