/* bounce.c - RFC 3464 delivery status notifications (bounce.h).
 *
 *   multipart/report; report-type=delivery-status   (RFC 6522)
 *     text/plain                 what happened, for people
 *     message/delivery-status    per-message and per-recipient fields
 *     text/rfc822-headers        the original header (RFC 3464 §2)  */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "bounce.h"
#include "bytes.h"
#include "control.h"
#include "local.h"
#include "msgtext.h"

struct dsn {
	const char *id;
	const struct envelope *env;
	const struct msg_state *st;
	int delay;              /* a delay warning, not the final report */
	int failed;             /* some recipient is reported "failed" */
	char me[ADDRESS_DOMAIN_MAX + 1];
	char boundary[SPOOL_ID_MAX + ADDRESS_DOMAIN_MAX + 8];
	struct bytes text;
};

/* The RFC 3463 status of a reply "ddd x.y.z ...", else a default by
 * its class. */
static void status_of(const char *reply, char *buf, size_t size)
{
	unsigned a, b, c;
	char cls = reply[0] == '4' ? '4' : '5';
	if (sscanf(reply, "%*3d %u.%u.%u", &a, &b, &c) == 3 && a == (unsigned)(cls - '0') &&
	    b < 1000 && c < 1000)
		snprintf(buf, size, "%u.%u.%u", a, b, c);
	else
		snprintf(buf, size, "%c.0.0", cls);
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* What the DSN says of recipient i (RFC 3464 §2.3.3 Action), or NULL
 * when it says nothing of it: NOTIFY (RFC 3461 §4.1; none given means
 * FAILURE and DELAY) decides; success and delay reports never go to the
 * null sender. */
static const char *rcpt_action(const struct envelope *env, const struct msg_state *st,
			       size_t i, int delay)
{
	const struct rcpt_state *r = &st->rcpt[i];
	unsigned notify = state_envelope_dsn(st, env, i)->notify;
	int asked = notify & DSN_NOTIFY_SUCCESS && env->sender[0];
	if (notify & DSN_NOTIFY_NEVER)
		return NULL;
	if (delay)
		return r->status == RCPT_PENDING && r->attempts > 0 && env->sender[0] &&
		       (!notify || (notify & DSN_NOTIFY_DELAY)) ? "delayed" : NULL;
	if (r->status == RCPT_BOUNCED)
		return !notify || (notify & DSN_NOTIFY_FAILURE) ? "failed" : NULL;
	if (r->status == RCPT_RELAYED)
		return asked ? "relayed" : NULL;
	if (r->status == RCPT_SENT && strcmp(r->relay, "local") == 0)
		return asked ? "delivered" : NULL;
	return NULL;
}

int bounce_needed(const struct envelope *env, const struct msg_state *st, int delay)
{
	for (size_t i = 0; i < st->count; i++)
		if (rcpt_action(env, st, i, delay))
			return 1;
	return 0;
}

/* xtext (RFC 3461 §4) decoded into buf, non-printable octets as '?'. */
static void xtext_decode(const char *x, char *buf, size_t size)
{
	size_t n = 0;
	unsigned v;
	for (; *x && n + 1 < size; x++) {
		char c = *x;
		if (c == '+' && sscanf(x + 1, "%2X", &v) == 1 && x[1] && x[2]) {
			c = (char)v;
			x += 2;
		}
		buf[n++] = c >= ' ' && c < 127 ? c : '?';
	}
	buf[n] = '\0';
}

/* The address a recipient came from before aliases, or NULL. */
static const char *original(const struct msg_state *st, size_t i)
{
	long p = st->rcpt[i].parent;
	while (p >= 0 && st->rcpt[p].parent >= 0)
		p = st->rcpt[p].parent;
	return p >= 0 ? st->rcpt[p].address : NULL;
}

static int human_part(struct dsn *d)
{
	struct bytes *t = &d->text;
	const char *what = d->delay ? "Your message has not been delivered yet to the\n"
				      "recipients below; delivery is still being tried." :
			   d->failed ? "Your message could not be delivered to one or more\n"
				       "recipients." :
				       "Your message was delivered, or passed on to a\n"
				       "system that sends no delivery reports, as you asked.";
	int rc = bytes_appendf(t, "--%s\nContent-Type: text/plain; charset=utf-8\n"
			       "Content-Transfer-Encoding: 8bit\n\n"
			       "This is the mail system at %s.\n\n%s\n\n",
			       d->boundary, d->me, what);
	for (size_t i = 0; i < d->st->count && rc == 0; i++) {
		const struct rcpt_state *r = &d->st->rcpt[i];
		const char *action = rcpt_action(d->env, d->st, i, d->delay);
		int remote = r->relay[0] && strcmp(r->relay, "local") != 0;
		if (action)
			rc = bytes_appendf(t, "<%s>: %s%s%s%s\n", r->address, action,
					   remote ? ", host " : "", remote ? r->relay : "",
					   remote ? " said:" : "");
		if (action && rc == 0)
			rc = bytes_appendf(t, "    %s\n", r->reply);
	}
	return rc;
}

static int recipient_fields(struct dsn *d, size_t i, const char *action)
{
	const struct rcpt_state *r = &d->st->rcpt[i];
	const struct rcpt_dsn *x = state_envelope_dsn(d->st, d->env, i);
	char status[32], host[256], orcpt[DSN_ORCPT_MAX + 1];
	const char *orig = original(d->st, i);
	if (r->status == RCPT_SENT || r->status == RCPT_RELAYED)
		snprintf(status, sizeof status, "2.0.0");
	else
		status_of(r->reply, status, sizeof status);
	if (r->status == RCPT_PENDING && status[0] != '4')
		snprintf(status, sizeof status, "4.0.0");       /* delayed: transient */
	int rc = bytes_appendf(&d->text, "\nFinal-Recipient: %s; %s\n",
			       is_ascii(r->address) ? "rfc822" : "utf-8", r->address);
	if (x->orcpt) {         /* RFC 3464 §2.3.1: as the sender gave it */
		xtext_decode(x->orcpt, orcpt, sizeof orcpt);
		rc = rc ? rc : bytes_appendf(&d->text, "Original-Recipient: %s\n", orcpt);
	} else if (orig && rc == 0) {
		rc = bytes_appendf(&d->text, "Original-Recipient: %s; %s\n",
				   is_ascii(orig) ? "rfc822" : "utf-8", orig);
	}
	if (rc == 0)
		rc = bytes_appendf(&d->text, "Action: %s\nStatus: %s\n", action, status);
	snprintf(host, sizeof host, "%.*s", (int)strcspn(r->relay, "["), r->relay);
	if (rc == 0 && host[0] && strcmp(host, "local") != 0)
		rc = bytes_appendf(&d->text, "Remote-MTA: dns; %s\n", host);
	if (rc == 0)
		rc = bytes_appendf(&d->text, "Diagnostic-Code: smtp; %s\n", r->reply);
	return rc;
}

static int status_part(struct dsn *d)
{
	char date[64];
	if (msgtext_date(date, sizeof date, d->env->arrival) < 0)
		return -1;
	int rc = bytes_appendf(&d->text, "\n--%s\nContent-Type: message/delivery-status\n\n",
			       d->boundary);
	if (rc == 0 && d->env->envid[0]) {      /* RFC 3464 §2.2.1 */
		char envid[DSN_ENVID_MAX + 1];
		xtext_decode(d->env->envid, envid, sizeof envid);
		rc = bytes_appendf(&d->text, "Original-Envelope-Id: %s\n", envid);
	}
	if (rc == 0)
		rc = bytes_appendf(&d->text, "Reporting-MTA: dns; %s\nX-Postern-Queue-ID: %s\n"
				   "Arrival-Date: %s\n", d->me, d->id, date);
	for (size_t i = 0; i < d->st->count && rc == 0; i++) {
		const char *action = rcpt_action(d->env, d->st, i, d->delay);
		if (action)
			rc = recipient_fields(d, i, action);
	}
	return rc;
}

/* The returned content: the whole message for a failure with RET=FULL
 * (RFC 3461 §4.3), else its header (RFC 3464 §2: text/rfc822-headers). */
static int header_part(struct dsn *d, int fd, off_t offset)
{
	struct bytes h;
	int full = d->failed && !d->delay && d->env->ret == 'F';
	bytes_init(&h, full ? BOUNCE_MESSAGE_MAX + 1 : BOUNCE_HEADERS_MAX + 1);
	int rc = bytes_appendf(&d->text, "\n--%s\nContent-Type: %s\n\n", d->boundary,
			       full ? "message/rfc822" : "text/rfc822-headers");
	if (rc == 0 && full)
		rc = msgtext_read_all(fd, offset, BOUNCE_MESSAGE_MAX, &h);
	else if (rc == 0)
		rc = msgtext_read_header(fd, offset, BOUNCE_HEADERS_MAX, &h);
	if (rc == 0 && h.len)
		rc = bytes_append(&d->text, h.data, h.len);
	if (rc == 0)
		rc = bytes_appendf(&d->text, "\n--%s--\n", d->boundary);
	bytes_free(&h);
	return rc;
}

/* Where the DSN goes into rcpt. 0 or -1. */
static int dsn_recipient(struct dsn *d, char *rcpt, size_t size)
{
	struct control_list domains = { 0, NULL };
	int n;
	if (d->env->sender[0])
		n = snprintf(rcpt, size, "%s", d->env->sender);
	else if (local_domain(d->me) == 1 || control_list("domains", &domains) != 1 ||
		 domains.count == 0)
		n = snprintf(rcpt, size, "postmaster@%s", d->me);
	else
		n = snprintf(rcpt, size, "postmaster@%s", domains.items[0]);
	control_list_free(&domains);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

static int top_header(struct dsn *d, const char *rcpt, const char *bid)
{
	char date[64];
	if (msgtext_date(date, sizeof date, time(NULL)) < 0)
		return -1;
	return bytes_appendf(&d->text,
		"From: MAILER-DAEMON@%s (Mail Delivery System)\nTo: <%s>\n"
		"Subject: %s\nDate: %s\n"
		"Message-ID: <%s.bounce@%s>\nAuto-Submitted: auto-replied\n%s"
		"MIME-Version: 1.0\nContent-Type: multipart/report; "
		"report-type=delivery-status;\n\tboundary=\"%s\"\n\n"
		"This is a MIME-encapsulated message.\n\n", d->me, rcpt,
		d->delay ? "Delayed Mail (still being retried)" :
		d->failed ? "Undelivered Mail Returned to Sender" :
		"Successful Mail Delivery Report", date, bid,
		d->me, d->env->sender[0] ? "" : BOUNCE_DOUBLE_FIELD ": yes\n",
		d->boundary);
}

static int is_double_bounce(int fd, off_t offset)
{
	struct bytes h;
	bytes_init(&h, BOUNCE_HEADERS_MAX + 1);
	int rc = msgtext_read_header(fd, offset, BOUNCE_HEADERS_MAX, &h);
	int found = rc == 0 && msgtext_has_field(bytes_str(&h), h.len, BOUNCE_DOUBLE_FIELD);
	bytes_free(&h);
	return found;
}

/* The whole DSN text into d->text. 0 or -1. */
static int compose(struct dsn *d, const char *rcpt, const char *bid, int fd,
		   off_t offset)
{
	if (top_header(d, rcpt, bid) < 0 || human_part(d) < 0 ||
	    status_part(d) < 0 || header_part(d, fd, offset) < 0)
		return -1;
	return 0;
}

enum bounce_outcome bounce_write(struct spool *sp, struct spool_writer *w,
				 const char *id, const struct envelope *env,
				 const struct msg_state *st, int fd, off_t offset,
				 int delay)
{
	struct dsn d = { .id = id, .env = env, .st = st, .delay = delay };
	for (size_t i = 0; i < st->count; i++)
		d.failed |= !delay && rcpt_action(env, st, i, 0) &&
			    st->rcpt[i].status == RCPT_BOUNCED;
	struct envelope benv;
	char rcpt[ADDRESS_PATH_MAX + 1];
	if (!env->sender[0] && is_double_bounce(fd, offset))
		return BOUNCE_DISCARD;
	if (control_me(d.me, sizeof d.me) < 0 || dsn_recipient(&d, rcpt, sizeof rcpt) < 0)
		return BOUNCE_ERROR;
	if (spool_begin(sp, w) < 0)
		return BOUNCE_ERROR;
	snprintf(d.boundary, sizeof d.boundary, "%s/%s", w->id, d.me);
	bytes_init(&d.text, BOUNCE_MESSAGE_MAX + 2 * JOB_REPORT_MAX);
	envelope_init(&benv);
	benv.smtputf8 = env->smtputf8;
	benv.eightbit = 1;
	snprintf(benv.client, sizeof benv.client, "local");
	int rc = envelope_add_rcpt(&benv, rcpt);
	if (rc == 0)
		rc = compose(&d, rcpt, w->id, fd, offset);
	if (rc == 0)
		rc = spool_put_envelope(w, &benv);
	if (rc == 0)
		rc = spool_put(w, d.text.data, d.text.len);
	int e = errno;
	envelope_free(&benv);
	bytes_free(&d.text);
	if (rc < 0) {
		spool_abort(w);
		errno = e;
		return BOUNCE_ERROR;
	}
	return BOUNCE_WRITTEN;
}
