/* sendmail.c - the sendmail(8) interface for local programs:
 *
 *   sendmail [-t] [-i] [-oi] [-f sender] [-F name] [--] rcpt...
 *
 * The message comes on stdin (LF line ends; CRLF accepted). It is queued
 * durably (spool_commit) and the runner woken. Exit 0 queued, 75
 * (EX_TEMPFAIL) temporary failure, 64 usage, 100 a message that can never
 * be queued (too big). See postern-sendmail(8). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "address.h"
#include "addrlist.h"
#include "bytes.h"
#include "control.h"
#include "settings.h"
#include "log.h"
#include "msgtext.h"
#include "spool.h"

#define EXIT_TEMPFAIL 75

struct options {
	int from_headers;       /* -t */
	int dot_ends;           /* without -i: a line "." ends the message */
	const char *sender;     /* -f / -r */
	const char *full_name;  /* -F */
};

struct message {
	struct bytes header;    /* the header block, LF lines, no blank line */
	struct bytes body;      /* after the blank line */
	struct envelope env;
	char me[ADDRESS_DOMAIN_MAX + 1];
	char full_name[256];    /* -F, made safe for a quoted-string */
	int usage_error;
};

static void usage(const char *why)
{
	fprintf(stderr, "sendmail: %s\nusage: sendmail [-t] [-i] [-oi] "
		"[-f sender] [-F name] [--] recipient...\n", why);
	exit(64);
}

static void parse_options(int argc, char **argv, struct options *o, int *first)
{
	int c;
	o->dot_ends = 1;
	opterr = 0;
	/* -o, -B, -b, -N, -R, -V, -X: accepted for compatibility; -oi and
	 * -bm are the only ones with a meaning here. */
	while ((c = getopt(argc, argv, "tif:r:F:o:B:b:N:R:V:X:")) != -1) {
		switch (c) {
		case 't': o->from_headers = 1; break;
		case 'i': o->dot_ends = 0; break;
		case 'f': case 'r': o->sender = optarg; break;
		case 'F': o->full_name = optarg; break;
		case 'o':
			if (strcmp(optarg, "i") == 0)
				o->dot_ends = 0;
			break;
		case 'b':
			if (strcmp(optarg, "m") != 0)
				usage("only -bm (the default mode) is supported");
			break;
		case 'B': case 'N': case 'R': case 'V': case 'X': break;
		default: usage("unknown option or missing argument");
		}
	}
	*first = optind;
}

/* Qualify (no '@': append @me), validate and add one recipient. */
static int add_rcpt(const char *addr, void *ctx)
{
	struct message *m = ctx;
	char full[ADDRESS_PATH_MAX + 1], q[ADDRESS_PATH_MAX * 2];
	struct address a;
	const char *reason;
	int n = strchr(addr, '@') ? snprintf(full, sizeof full, "%s", addr)
				  : snprintf(full, sizeof full, "%s@%s", addr, m->me);
	if (n < 0 || (size_t)n >= sizeof full - 2 ||
	    address_parse_mailbox(full, &a, ADDRESS_ALLOW_UTF8, &reason) < 0) {
		fprintf(stderr, "sendmail: bad recipient address %s\n",
			log_quote(addr, q, sizeof q));
		m->usage_error = 1;
		return 0;
	}
	for (size_t i = 0; i < m->env.rcpt_count; i++)
		if (strcasecmp(m->env.rcpt[i], full) == 0)
			return 0;
	if (a.utf8)
		m->env.smtputf8 = 1;
	if (envelope_add_rcpt(&m->env, full) < 0) {
		fprintf(stderr, "sendmail: out of memory\n");
		exit(EXIT_TEMPFAIL);
	}
	return 0;
}

static void set_sender(struct message *m, const struct options *o)
{
	char full[ADDRESS_PATH_MAX + 1];
	struct address a;
	const char *reason;
	const char *s = o->sender;
	struct passwd *pw = s ? NULL : getpwuid(getuid());
	if (!s)
		s = pw && pw->pw_name ? pw->pw_name : "nobody";
	if (strcmp(s, "<>") == 0 || s[0] == '\0') {
		m->env.sender[0] = '\0';
		return;
	}
	int n = strchr(s, '@') ? snprintf(full, sizeof full, "%s", s)
			       : snprintf(full, sizeof full, "%s@%s", s, m->me);
	if (n < 0 || (size_t)n >= sizeof full - 2 ||
	    address_parse_mailbox(full, &a, ADDRESS_ALLOW_UTF8, &reason) < 0)
		usage("bad sender address");
	if (a.utf8)
		m->env.smtputf8 = 1;
	snprintf(m->env.sender, sizeof m->env.sender, "%s", full);
}

/* Is line a header field's first line ("Name:") or, unless first, a
 * continuation line (RFC 5322 §2.2, §3.6.8)? */
static int header_line(const char *line, size_t len, int first)
{
	if (len == 0)
		return 0;
	if (line[0] == ' ' || line[0] == '\t')
		return !first;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == ':')
			return i > 0;
		if (c <= 32 || c >= 127)
			return 0;
	}
	return 0;
}

/* Read stdin into header and body, up to maxsize bytes. */
static void read_message(struct message *m, const struct options *o, long maxsize)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int in_header = 1;
	bytes_init(&m->header, SENDMAIL_HEADER_MAX);
	bytes_init(&m->body, (size_t)maxsize);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		size_t len = (size_t)n;
		if (line[len - 1] == '\n')
			len--;
		if (len && line[len - 1] == '\r')
			len--;
		if (o->dot_ends && len == 1 && line[0] == '.')
			break;
		if (in_header && !header_line(line, len, m->header.len == 0)) {
			in_header = 0;
			if (len == 0)
				continue;       /* the separating blank line */
		}
		struct bytes *b = in_header ? &m->header : &m->body;
		if (bytes_append(b, line, len) < 0 || bytes_append_char(b, '\n') < 0) {
			fprintf(stderr, "sendmail: message too big (maxsize %ld)\n", maxsize);
			exit(100);
		}
	}
	if (ferror(stdin)) {
		fprintf(stderr, "sendmail: reading the message: %s\n", strerror(errno));
		exit(EXIT_TEMPFAIL);
	}
	free(line);
}

/* Each field of the header block: fn(name, name_len, field, field_len). */
static void for_each_field(const struct bytes *h,
			   void (*fn)(const char *, size_t, const char *, size_t, void *),
			   void *ctx)
{
	const char *p = bytes_str(h), *end = p + h->len;
	while (p < end) {
		const char *f = p;
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
		} while (p < end && (*p == ' ' || *p == '\t'));
		size_t name_len = strcspn(f, ":");
		fn(f, name_len, f, (size_t)(p - f), ctx);
	}
}

struct header_pass {
	struct message *m;
	const struct options *o;
	struct bytes out;               /* the header as queued */
	int has_date, has_id, has_from;
};

static int named(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static void field(const char *name, size_t nlen, const char *f, size_t flen, void *ctx)
{
	struct header_pass *h = ctx;
	int bcc = named(name, nlen, "Bcc");
	if (h->o->from_headers && (bcc || named(name, nlen, "To") || named(name, nlen, "Cc")))
		addrlist_parse(f + nlen + 1, flen - nlen - 1, add_rcpt, h->m);
	h->has_date |= named(name, nlen, "Date");
	h->has_id |= named(name, nlen, "Message-ID");
	h->has_from |= named(name, nlen, "From");
	if (!bcc && bytes_append(&h->out, f, flen) < 0)
		h->m->usage_error = 2;
}

/* The header as queued: Received, the missing Date/Message-ID/From, the
 * original fields without Bcc. */
static void build_header(struct header_pass *h, const char *id)
{
	char date[64];
	struct bytes *b = &h->out;
	struct bytes orig;
	bytes_init(&orig, SENDMAIL_HEADER_MAX);
	bytes_init(b, SENDMAIL_HEADER_MAX + 4096);
	for_each_field(&h->m->header, field, h);
	if (msgtext_date(date, sizeof date, time(NULL)) < 0)
		snprintf(date, sizeof date, "Thu, 1 Jan 1970 00:00:00 +0000");
	bytes_set(&orig, b->data ? b->data : "", b->len);
	bytes_clear(b);
	int rc = bytes_appendf(b, "Received: (postern sendmail, uid %ld)\n\tid %s; %s\n",
			       (long)getuid(), id, date);
	if (!h->has_date)
		rc |= bytes_appendf(b, "Date: %s\n", date);
	if (!h->has_id)
		rc |= bytes_appendf(b, "Message-ID: <%s@%s>\n", id, h->m->me);
	if (!h->has_from && h->o->full_name)
		rc |= bytes_appendf(b, "From: \"%s\" <%s>\n", h->m->full_name,
				    h->m->env.sender[0] ? h->m->env.sender : "MAILER-DAEMON");
	else if (!h->has_from)
		rc |= bytes_appendf(b, "From: <%s>\n",
				    h->m->env.sender[0] ? h->m->env.sender : "MAILER-DAEMON");
	rc |= bytes_append(b, orig.data ? orig.data : "", orig.len);
	rc |= bytes_append_char(b, '\n');
	bytes_free(&orig);
	if (rc < 0 || h->m->usage_error == 2) {
		fprintf(stderr, "sendmail: header too big\n");
		exit(100);
	}
}

static int has_8bit(const struct bytes *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			return 1;
	return 0;
}

/* Queue it: tmp/ID -> fsync -> queue/ID. Exits 75 on failure. */
static void queue_message(struct spool *sp, struct message *m, struct header_pass *h)
{
	struct spool_writer *w = malloc(sizeof *w);
	if (!w || spool_begin(sp, w) < 0) {
		fprintf(stderr, "sendmail: cannot queue: %s\n", strerror(errno));
		exit(EXIT_TEMPFAIL);
	}
	build_header(h, w->id);
	if (m->usage_error || m->env.rcpt_count == 0) {
		spool_abort(w);
		usage(m->usage_error ? "bad recipient address" : "no recipients");
	}
	m->env.eightbit = has_8bit(&h->out) || has_8bit(&m->body);
	if (spool_put_envelope(w, &m->env) < 0 || spool_put(w, h->out.data, h->out.len) < 0 ||
	    (m->body.len && spool_put(w, m->body.data, m->body.len) < 0) ||
	    spool_commit(w) < 0) {
		fprintf(stderr, "sendmail: cannot queue: %s\n", strerror(errno));
		exit(EXIT_TEMPFAIL);
	}
	log_event("id=%s event=queued uid=%ld rcpts=%zu size=%zu", w->id, (long)getuid(),
		  m->env.rcpt_count, h->out.len + m->body.len);
	if (spool_trigger(sp) < 0)
		log_event("id=%s event=trigger-failed error=\"%s\"", w->id, strerror(errno));
	free(w);
}

int main(int argc, char **argv)
{
	static struct message m;
	struct options o = { 0 };
	struct spool sp;
	long maxsize;
	int first;
	log_init("sendmail");
	parse_options(argc, argv, &o, &first);
	if (control_me(m.me, sizeof m.me) < 0)
		snprintf(m.me, sizeof m.me, "localhost");
	envelope_init(&m.env);
	snprintf(m.env.client, sizeof m.env.client, "local");
	set_sender(&m, &o);
	for (size_t i = 0; o.full_name && o.full_name[i] && i + 1 < sizeof m.full_name; i++) {
		unsigned char c = (unsigned char)o.full_name[i];
		m.full_name[i] = c < 32 || c == 127 || c == '"' || c == '\\' ? ' ' : (char)c;
	}
	for (int i = first; i < argc; i++)
		add_rcpt(argv[i], &m);
	if (!o.from_headers && m.env.rcpt_count == 0 && !m.usage_error)
		usage("no recipients given (and no -t)");
	if (setting_load(SETTING_MAXSIZE, &maxsize) < 0) {
		/* lib/settings.h: a broken setting refuses service */
		fprintf(stderr, "sendmail: configuration error (maxsize), try again later\n");
		exit(EXIT_TEMPFAIL);
	}
	if (spool_open(&sp, NULL) < 0) {
		fprintf(stderr, "sendmail: cannot open the spool: %s\n", strerror(errno));
		return EXIT_TEMPFAIL;
	}
	read_message(&m, &o, maxsize);
	struct header_pass h = { .m = &m, .o = &o };
	queue_message(&sp, &m, &h);
	bytes_free(&h.out);
	bytes_free(&m.header);
	bytes_free(&m.body);
	envelope_free(&m.env);
	return 0;
}
