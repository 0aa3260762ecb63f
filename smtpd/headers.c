/* headers.c - the header fields smtpd writes: the Received: trace field
 * (RFC 5321 §4.4) on every message, and in submission mode Date: and
 * Message-ID: when the message lacks them (RFC 6409 §8.2, §8.3). Lines end
 * in LF, as everything in the spool. */
#include <string.h>
#include <strings.h>
#include <time.h>
#include "bytes.h"
#include "smtpd.h"

/* The date-time of RFC 5322 §3.3 for now, local time with its offset.
 * strftime's %a and %b are English in the C locale, which we never leave. */
static int date_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return -1;
	return strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm) ? 0 : -1;
}

/* The protocol name of the "with" clause: RFC 3848 (ESMTPA, ESMTPS,
 * ESMTPSA) and RFC 6531 §3.7.3 (UTF8SMTP...). */
static const char *with_protocol(const struct session *s)
{
	static const char *const names[2][2][2] = {
		{{"ESMTP", "ESMTPA"}, {"ESMTPS", "ESMTPSA"}},
		{{"UTF8SMTP", "UTF8SMTPA"}, {"UTF8SMTPS", "UTF8SMTPSA"}},
	};

	if (!s->esmtp)
		return "SMTP";
	return names[s->smtputf8 != 0][s->encrypted != 0][s->auth_user[0] != 0];
}

int header_received(struct session *s, const char *id, struct bytes *out)
{
	char date[64];
	const char *ip = s->client_ip;
	int r;

	if (date_now(date, sizeof date) < 0)
		return -1;
	/* from: the name the client gave, then what we saw (§4.4 TCP-info:
	 * the launcher's host name if any, and the address literal). */
	r = bytes_appendf(out, "Received: from %s (", s->helo);
	if (r == 0 && s->client_host[0])
		r = bytes_appendf(out, "%s ", s->client_host);
	if (r == 0 && strcmp(ip, "unknown") == 0)
		r = bytes_append_str(out, "unknown)");
	else if (r == 0)
		r = bytes_appendf(out, "[%s%s])", strchr(ip, ':') ? "IPv6:" : "",
				  ip);
	if (r == 0)
		r = bytes_appendf(out, "\n\tby %s (postern) with %s id %s",
				  s->me, with_protocol(s), id);
	/* "for" only with one recipient, so as not to disclose the others. */
	if (r == 0 && s->env.rcpt_count == 1)
		r = bytes_appendf(out, "\n\tfor <%s>", s->env.rcpt[0]);
	if (r == 0)
		r = bytes_appendf(out, ";\n\t%s\n", date);
	return r;
}

int header_date(struct bytes *out)
{
	char date[64];

	if (date_now(date, sizeof date) < 0)
		return -1;
	return bytes_appendf(out, "Date: %s\n", date);
}

int header_message_id(struct session *s, const char *id, struct bytes *out)
{
	return bytes_appendf(out, "Message-ID: <%s@%s>\n", id, s->me);
}

int header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name), i;

	if (len <= n || strncasecmp(line, name, n) != 0)
		return 0;
	/* RFC 5322 §3.6.7 obs: white space may precede the colon. */
	for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i < len && line[i] == ':';
}
