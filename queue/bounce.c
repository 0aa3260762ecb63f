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
	int rc = bytes_appendf(t, "--%s\nContent-Type: text/plain; charset=utf-8\n"
			       "Content-Transfer-Encoding: 8bit\n\n"
			       "This is the mail system at %s.\n\n"
			       "Your message could not be delivered to one or more\n"
			       "recipients. It is attached below (its header only).\n\n",
			       d->boundary, d->me);
	for (size_t i = 0; i < d->st->count && rc == 0; i++) {
		const struct rcpt_state *r = &d->st->rcpt[i];
		int remote = r->relay[0] && strcmp(r->relay, "local") != 0;
		if (r->status == RCPT_BOUNCED)
			rc = bytes_appendf(t, "<%s>:%s%s%s\n", r->address,
					   remote ? " host " : "", remote ? r->relay : "",
					   remote ? " said:" : "");
		if (r->status == RCPT_BOUNCED && rc == 0)
			rc = bytes_appendf(t, "    %s\n", r->reply);
	}
	return rc;
}

static int recipient_fields(struct dsn *d, size_t i)
{
	const struct rcpt_state *r = &d->st->rcpt[i];
	char status[32], host[256];
	const char *orig = original(d->st, i);
	status_of(r->reply, status, sizeof status);
	int rc = bytes_appendf(&d->text, "\nFinal-Recipient: %s; %s\n",
			       is_ascii(r->address) ? "rfc822" : "utf-8", r->address);
	if (orig && rc == 0)
		rc = bytes_appendf(&d->text, "Original-Recipient: %s; %s\n",
				   is_ascii(orig) ? "rfc822" : "utf-8", orig);
	if (rc == 0)
		rc = bytes_appendf(&d->text, "Action: failed\nStatus: %s\n", status);
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
	int rc = bytes_appendf(&d->text, "\n--%s\nContent-Type: message/delivery-status\n\n"
			       "Reporting-MTA: dns; %s\nX-Postern-Queue-ID: %s\n"
			       "Arrival-Date: %s\n", d->boundary, d->me, d->id, date);
	for (size_t i = 0; i < d->st->count && rc == 0; i++)
		if (d->st->rcpt[i].status == RCPT_BOUNCED)
			rc = recipient_fields(d, i);
	return rc;
}

static int header_part(struct dsn *d, int fd, off_t offset)
{
	struct bytes h;
	bytes_init(&h, BOUNCE_HEADERS_MAX + 1);
	int rc = bytes_appendf(&d->text, "\n--%s\nContent-Type: text/rfc822-headers\n\n",
			       d->boundary);
	if (rc == 0)
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
		"Subject: Undelivered Mail Returned to Sender\nDate: %s\n"
		"Message-ID: <%s.bounce@%s>\nAuto-Submitted: auto-replied\n%s"
		"MIME-Version: 1.0\nContent-Type: multipart/report; "
		"report-type=delivery-status;\n\tboundary=\"%s\"\n\n"
		"This is a MIME-encapsulated message.\n\n", d->me, rcpt, date, bid,
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
				 const struct msg_state *st, int fd, off_t offset)
{
	struct dsn d = { .id = id, .env = env, .st = st };
	struct envelope benv;
	char rcpt[ADDRESS_PATH_MAX + 1];
	if (!env->sender[0] && is_double_bounce(fd, offset))
		return BOUNCE_DISCARD;
	if (control_me(d.me, sizeof d.me) < 0 || dsn_recipient(&d, rcpt, sizeof rcpt) < 0)
		return BOUNCE_ERROR;
	if (spool_begin(sp, w) < 0)
		return BOUNCE_ERROR;
	snprintf(d.boundary, sizeof d.boundary, "%s/%s", w->id, d.me);
	bytes_init(&d.text, BOUNCE_HEADERS_MAX + 2 * JOB_REPORT_MAX);
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
