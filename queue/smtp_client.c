/* smtp_client.c - the client side of an SMTP transaction (RFC 5321 §3,
 * §4.1; PIPELINING RFC 2920; SIZE RFC 1870; 8BITMIME RFC 6152; SMTPUTF8
 * RFC 6531; CHUNKING and BINARYMIME RFC 3030). The wire details are in
 * smtp_wire.c, the message text in smtp_body.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mime7bit.h"
#include "mx.h"
#include "smtp_body.h"
#include "smtp_client.h"
#include "smtp_tls.h"
#include "smtp_wire.h"

enum session_end { SESSION_DONE, SESSION_NEXT_HOST };

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int needs_smtputf8(const struct delivery *d)
{
	if (d->env->smtputf8 || !is_ascii(d->env->sender))
		return 1;
	for (size_t i = 0; i < d->count; i++)
		if (!is_ascii(d->rcpt[i].address))
			return 1;
	return 0;
}

static void quit(struct smtp_conn *c)
{
	struct smtp_reply r;
	if (smtp_command(c, "QUIT") == 0 && smtp_flush(c, &r) == 0)
		(void)smtp_read_reply(c, 5, &r, 0);
	smtp_close(c);
}

/* EHLO, else HELO (§4.1.1.1, §3.2). 0, or -1 with r the failing reply. */
static int greet(struct smtp_conn *c, const char *me, struct smtp_reply *r)
{
	if (smtp_command(c, "EHLO %s", me) < 0 || smtp_flush(c, r) < 0 ||
	    smtp_read_reply(c, SMTP_TIMEOUT_MAIL, r, 1) < 0)
		return -1;
	if (r->code / 100 == 2)
		return 0;
	if (r->code / 100 != 5)
		return -1;
	c->pipelining = c->eightbitmime = c->smtputf8 = 0;
	c->size_max = 0;
	if (smtp_command(c, "HELO %s", me) < 0 || smtp_flush(c, r) < 0 ||
	    smtp_read_reply(c, SMTP_TIMEOUT_MAIL, r, 0) < 0)
		return -1;
	return r->code / 100 == 2 ? 0 : -1;
}

/* What this server cannot take: a reply to bounce with, or NULL. */
static const char *cannot_take(const struct smtp_conn *c,
			       const struct delivery *d)
{
	if (needs_smtputf8(d) && !c->smtputf8)  /* RFC 6531 §3.2 */
		return "553 5.6.7 the message needs SMTPUTF8, which the server lacks";
	/* RFC 3030 §3: binary data goes only by BDAT with BINARYMIME. An
	 * 8-bit message to a server without 8BITMIME is made 7-bit instead
	 * (RFC 6152 §3), in transaction(). */
	if (d->env->binarymime && !(c->chunking && c->binarymime))
		return "554 5.6.3 the message is binary (BODY=BINARYMIME), "
		       "the server lacks BINARYMIME";
	if (c->size_max > 0 && d->size > c->size_max)   /* RFC 1870 §6.1 */
		return "552 5.3.4 the message exceeds the server's SIZE limit";
	return NULL;
}

static int send_mail_from(struct smtp_conn *c, const struct delivery *d)
{
	char params[128 + DSN_ENVID_MAX + 16] = "";
	size_t n = 0;
	if (c->size_max > 0)
		n += (size_t)snprintf(params + n, sizeof params - n, " SIZE=%lld",
				      (long long)d->size);
	if (d->env->binarymime && n < sizeof params)
		n += (size_t)snprintf(params + n, sizeof params - n, " BODY=BINARYMIME");
	else if (d->env->eightbit && c->eightbitmime && n < sizeof params)
		n += (size_t)snprintf(params + n, sizeof params - n, " BODY=8BITMIME");
	if (needs_smtputf8(d) && c->smtputf8 && n < sizeof params)
		n += (size_t)snprintf(params + n, sizeof params - n, " SMTPUTF8");
	if (c->dsn && d->env->ret && n < sizeof params)        /* RFC 3461 §5.2 */
		n += (size_t)snprintf(params + n, sizeof params - n, " RET=%s",
				      d->env->ret == 'H' ? "HDRS" : "FULL");
	if (c->dsn && d->env->envid[0] && n < sizeof params)
		snprintf(params + n, sizeof params - n, " ENVID=%s", d->env->envid);
	return smtp_command(c, "MAIL FROM:<%s>%s", d->env->sender, params);
}

/* Give the RCPT reply r to recipient i; count the accepted ones. */
static void rcpt_reply(struct delivery *d, size_t i, const struct smtp_reply *r,
		       const char *relay, size_t *accepted)
{
	if (r->code / 100 == 2)
		(*accepted)++;
	else
		delivery_set(&d->rcpt[i], r->code / 100 == 5 ? RESULT_BOUNCED :
			     RESULT_DEFERRED, relay, r->text);
}

/* Whole-transaction reply r for every recipient still open. Sent to a
 * server without DSN, a recipient that asked NOTIFY=SUCCESS is "relayed":
 * we owe its sender that DSN (RFC 3461 §6.2.7.2). */
static void all_reply(struct delivery *d, const struct smtp_reply *r,
		      const struct smtp_conn *c)
{
	enum result res = r->code / 100 == 2 ? RESULT_SENT :
			  r->code / 100 == 5 ? RESULT_BOUNCED : RESULT_DEFERRED;
	for (size_t i = 0; i < d->count; i++) {
		struct delivery_rcpt *x = &d->rcpt[i];
		if (x->result == RESULT_NONE)
			delivery_set(x, res == RESULT_SENT && !c->dsn &&
				     (x->dsn->notify & DSN_NOTIFY_SUCCESS) ?
				     RESULT_RELAYED : res, c->relay, r->text);
	}
}

/* RCPT TO, with NOTIFY and ORCPT passed on to a DSN server (RFC 3461 §5.2). */
static int send_rcpt(struct smtp_conn *c, const struct delivery_rcpt *x)
{
	char notify[64] = "";
	static const char *const words[] = { "NEVER", "SUCCESS", "FAILURE", "DELAY" };
	size_t n = 0;
	for (unsigned i = 0; c->dsn && i < 4; i++)
		if (x->dsn->notify & (1u << i))
			n += (size_t)snprintf(notify + n, sizeof notify - n, "%s%s",
					      n ? "," : " NOTIFY=", words[i]);
	return smtp_command(c, "RCPT TO:<%s>%s%s%s", x->address, notify,
			    c->dsn && x->dsn->orcpt ? " ORCPT=" : "",
			    c->dsn && x->dsn->orcpt ? x->dsn->orcpt : "");
}

/* Read and drop the replies to n pipelined commands (keeps the reply
 * stream in step after a refused MAIL). 0, or -1 on trouble or a 354. */
static int drain_replies(struct smtp_conn *c, size_t n)
{
	struct smtp_reply r;
	for (size_t i = 0; i < n; i++)
		if (smtp_read_reply(c, SMTP_TIMEOUT_RCPT, &r, 0) < 0 || r.code == 354)
			return -1;
	return 0;
}

/* RSET after a transaction that cannot go on. 0, or -1 (broken). */
static int reset(struct smtp_conn *c)
{
	struct smtp_reply rset;
	if (smtp_command(c, "RSET") < 0 || smtp_flush(c, &rset) < 0 ||
	    smtp_read_reply(c, SMTP_TIMEOUT_MAIL, &rset, 0) < 0 || rset.code != 250)
		return -1;
	return 0;
}

/* MAIL, RCPT... and DATA, pipelined (RFC 2920 §3.1) or one by one; with
 * CHUNKING no DATA: BDAT follows once a recipient was accepted.
 * Returns ENV_TROUBLE on connection trouble before MAIL was answered
 * (try the next host), ENV_BROKEN on trouble after it (r made up),
 * ENV_REFUSED when MAIL or every RCPT was refused and the session is
 * clean again, else ENV_DATA with *accepted and the DATA reply in r (a
 * made-up 354 for BDAT). */
enum envelope_end { ENV_TROUBLE, ENV_BROKEN, ENV_REFUSED, ENV_DATA };

static enum envelope_end envelope_phase(struct smtp_conn *c, struct delivery *d,
					struct smtp_reply *r, size_t *accepted)
{
	int pipe = c->pipelining, bdat = c->chunking;
	*accepted = 0;
	if (send_mail_from(c, d) < 0 || (!pipe && smtp_flush(c, r) < 0))
		return ENV_TROUBLE;
	for (size_t i = 0; pipe && i < d->count; i++)
		send_rcpt(c, &d->rcpt[i]);
	if (pipe && ((!bdat && smtp_command(c, "DATA") < 0) || smtp_flush(c, r) < 0))
		return ENV_TROUBLE;
	if (smtp_read_reply(c, SMTP_TIMEOUT_MAIL, r, 0) < 0)
		return ENV_TROUBLE;
	if (r->code / 100 != 2) {
		all_reply(d, r, c);
		return pipe && drain_replies(c, d->count + !bdat) < 0 ? ENV_BROKEN : ENV_REFUSED;
	}
	for (size_t i = 0; i < d->count; i++) {
		if (!pipe && (send_rcpt(c, &d->rcpt[i]) < 0 ||
			      smtp_flush(c, r) < 0))
			return ENV_BROKEN;
		if (smtp_read_reply(c, SMTP_TIMEOUT_RCPT, r, 0) < 0)
			return ENV_BROKEN;
		rcpt_reply(d, i, r, c->relay, accepted);
	}
	if ((!pipe || bdat) && *accepted == 0)  /* close the open transaction */
		return reset(c) < 0 ? ENV_BROKEN : ENV_REFUSED;
	if (bdat) {
		r->code = 354;
		return ENV_DATA;
	}
	if (!pipe && (smtp_command(c, "DATA") < 0 || smtp_flush(c, r) < 0))
		return ENV_BROKEN;
	return smtp_read_reply(c, SMTP_TIMEOUT_DATA, r, 0) < 0 ? ENV_BROKEN : ENV_DATA;
}

enum transaction_end { T_CLEAN, T_BROKEN, T_NEXT_HOST };

/* The queued message read whole into out. 0, or -1 with r set. */
static int load_message(const struct delivery *d, struct bytes *out,
			struct smtp_reply *r)
{
	char buf[65536];
	off_t at = d->offset;
	for (;;) {
		ssize_t n = pread(d->fd, buf, sizeof buf, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && bytes_append(out, buf, (size_t)n) < 0)) {
			smtp_made_up(r, 451, "451 4.3.0 reading the queued message: %s",
				     strerror(n < 0 ? errno : ENOMEM));
			return -1;
		}
		if (n == 0)
			return 0;
		at += n;
	}
}

/* How the text goes: BDAT when offered, folded unless binary, made
 * 7-bit into mem when the server lacks 8BITMIME. 0, or -1 with r set. */
static int body_plan(struct smtp_conn *c, const struct delivery *d,
		     struct smtp_body *b, struct bytes *mem, struct smtp_reply *r)
{
	*b = (struct smtp_body){ .bdat = c->chunking, .fold = !d->env->binarymime,
				 .fd = d->fd, .offset = d->offset };
	if (!d->env->eightbit || d->env->binarymime || c->eightbitmime)
		return 0;
	struct bytes raw;
	bytes_init(&raw, (size_t)d->size + 1);
	int rc = load_message(d, &raw, r);
	if (rc == 0)
		rc = mime_to_7bit(raw.data ? raw.data : "", raw.len, mem);
	bytes_free(&raw);
	if (rc < 0) {
		smtp_made_up(r, 451, "451 4.3.0 no memory to make the message 7-bit");
		return -1;
	}
	if (rc == 1) {
		b->mem = mem->data;
		b->len = mem->len;
	}
	return 0;
}

/* Send the text and read the final reply; every open recipient gets it. */
static enum transaction_end send_text(struct smtp_conn *c, struct delivery *d,
				      struct smtp_reply *r)
{
	struct smtp_body b;
	struct bytes mem;
	bytes_init(&mem, 4 * (size_t)d->size + 1024);   /* QP grows 3x at most */
	int rc = body_plan(c, d, &b, &mem, r);
	if (rc < 0) {
		delivery_set_rest(d, RESULT_DEFERRED, c->relay, r->text);
		bytes_free(&mem);
		return T_BROKEN;        /* the server waits for text we cannot send */
	}
	/* Once the message's end is sent the server may have it: a SIGTERM
	 * then waits until its reply is recorded (RFC 1047). */
	delivery_hold_signals(1);
	rc = smtp_send_message(c, &b, r);
	bytes_free(&mem);
	if (rc == 0 && smtp_read_reply(c, SMTP_TIMEOUT_DATA_END, r, 0) < 0)
		rc = -1;
	all_reply(d, r, c);
	delivery_record(d);
	delivery_hold_signals(0);
	return rc < 0 ? T_BROKEN : T_CLEAN;
}

/* One message's transaction on a greeted connection. T_CLEAN: every
 * recipient has a result and another transaction may follow. */
static enum transaction_end transaction(struct smtp_conn *c, struct delivery *d,
					struct smtp_reply *last)
{
	struct smtp_reply r;
	size_t accepted;
	switch (envelope_phase(c, d, &r, &accepted)) {
	case ENV_TROUBLE:
		*last = r;
		return T_NEXT_HOST;
	case ENV_BROKEN:
		all_reply(d, &r, c);
		return T_BROKEN;
	case ENV_REFUSED:
		return T_CLEAN;
	case ENV_DATA:
		break;
	}
	if (accepted == 0) {            /* pipelined, every RCPT refused */
		if (r.code != 354)
			return T_CLEAN;
		int ok = smtp_command(c, ".") == 0 && smtp_flush(c, &r) == 0 &&
			 smtp_read_reply(c, SMTP_TIMEOUT_DATA_END, &r, 0) == 0;
		return ok ? T_CLEAN : T_BROKEN;
	}
	if (r.code != 354) {
		if (r.code / 100 == 2)          /* nonsense: not a DATA reply */
			r.code = 451;
		all_reply(d, &r, c);
		return T_CLEAN;
	}
	return send_text(c, d, &r);
}

/* Greet on a connection just made: the greeting, then EHLO. 0, or -1
 * with *last the reason; *answered is set when the server refused in its
 * greeting (its answer, not trouble on the way). */
static int greet_session(struct smtp_conn *c, const struct delivery *d,
			 struct smtp_reply *last, int *answered)
{
	struct smtp_reply r;
	*answered = 0;
	if (smtp_read_reply(c, SMTP_TIMEOUT_GREETING, &r, 0) < 0 ||
	    r.code / 100 != 2 || greet(c, d->me, &r) < 0) {
		*answered = r.code / 100 == 4 || r.code / 100 == 5;
		*last = r;
		quit(c);
		return -1;
	}
	return 0;
}

/* Connect to t and greet, in clear unless STARTTLS is offered and the
 * policy wants it (smtp_tls.h); then again through stunnel, which does
 * STARTTLS. Under "may" a failed STARTTLS or handshake falls back to
 * clear text on the same attempt (RFC 3207 §4.1: the client decides);
 * under "encrypt" and "verify" the host is given up. c->relay ends in
 * " tls=1" or " tls=0". 0, or -1 with *last the reason. */
static int open_session(struct smtp_conn *c, const struct mx_target *t,
			const struct delivery *d, enum tls_policy policy,
			struct smtp_reply *last)
{
	struct smtp_reply r;
	int answered = 0, tls = 0;
	if (smtp_connect(c, t, d->timeout_cap, &r) < 0) {
		*last = r;
		return -1;
	}
	if (greet_session(c, d, last, &answered) < 0)
		return -1;
	if (policy != TLS_NONE && c->starttls) {
		quit(c);
		tls = smtp_connect_tls(c, t, d->timeout_cap,
				       policy == TLS_VERIFY, &r) == 0 &&
		      greet_session(c, d, &r, &answered) == 0;
		if (!tls && answered && r.code != 421) {
			*last = r;      /* the server's own refusal */
			return -1;
		}
		if (!tls && policy == TLS_MAY &&
		    (smtp_connect(c, t, d->timeout_cap, &r) < 0 ||
		     greet_session(c, d, &r, &answered) < 0)) {
			*last = r;
			return -1;
		}
	}
	if (!tls && policy >= TLS_ENCRYPT) {
		tls_refused(last, c->relay, policy == TLS_VERIFY);
		quit(c);
		return -1;
	}
	size_t len = strlen(c->relay);
	snprintf(c->relay + len, sizeof c->relay - len, " tls=%d", tls);
	return 0;
}

/* Deliver d[*next..n) over sessions with target t, reconnecting after a
 * transaction that left the connection unusable. *next advances past
 * every message that got its results. Returns when t fails. */
static void try_target(struct smtp_conn *c, const struct mx_target *t,
		       enum tls_policy policy, struct delivery **d, size_t n,
		       size_t *next, struct smtp_reply *last, char *relay,
		       size_t relay_size)
{
	while (*next < n) {
		int rc = open_session(c, t, d[*next], policy, last);
		snprintf(relay, relay_size, "%s", c->relay);
		if (rc < 0)
			return;
		enum transaction_end end = T_CLEAN;
		size_t done_here = 0;
		while (*next < n && end == T_CLEAN) {
			struct delivery *m = d[*next];
			const char *refuse = cannot_take(c, m);
			if (refuse)
				delivery_set_rest(m, RESULT_BOUNCED, c->relay, refuse);
			else
				end = transaction(c, m, last);
			if (end != T_NEXT_HOST) {
				delivery_record(m);
				(*next)++, done_here++;
			}
		}
		if (end == T_BROKEN)
			smtp_close(c);
		else
			quit(c);
		/* a reused connection that failed: reconnect here once more */
		if (end == T_NEXT_HOST && done_here == 0)
			return;
	}
}

void smtp_deliver(struct delivery **d, size_t n, const char *domain)
{
	static struct smtp_conn conn;
	struct mx_result *mx = malloc(sizeof *mx);
	struct smtp_reply last = { 421, "421 4.4.1 no host to try" };
	char relay[sizeof conn.relay] = "";
	size_t next = 0;
	enum tls_policy policy;
	if (tls_policy(domain, &policy, &last) < 0) {     /* never in clear */
		for (; next < n; next++)
			delivery_set_rest(d[next], RESULT_DEFERRED, "", last.text);
		free(mx);
		return;
	}
	if (mx)
		mx_resolve(domain, mx);
	for (size_t i = 0; i < n && (!mx || mx->status != MX_OK); i++)
		delivery_set_rest(d[i], mx && mx->status == MX_PERMANENT ? RESULT_BOUNCED :
				  RESULT_DEFERRED, "", mx ? mx->reply : "451 4.3.0 out of memory");
	for (size_t t = 0; mx && mx->status == MX_OK && t < mx->count && next < n; t++)
		try_target(&conn, &mx->target[t], policy, d, n, &next, &last,
			   relay, sizeof relay);
	for (; next < n; next++)
		delivery_set_rest(d[next], RESULT_DEFERRED, relay, last.text);
	free(mx);
}
