/* reply.c - writing IMAP responses (RFC 3501 §7). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "imapd.h"
#include "starttls.h"

enum reply reply_set(struct session *s, enum reply rc, const char *code,
		     const char *fmt, ...)
{
	if (code && bytes_set(&s->code, code, strlen(code)) < 0)
		bytes_clear(&s->code);  /* a code too long is left out */
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->text, sizeof s->text, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void untagged(struct session *s, const char *fmt, ...)
{
	va_list ap;
	output_str(&s->out, "* ");
	va_start(ap, fmt);
	output_vprintf(&s->out, fmt, ap);
	va_end(ap);
	output_str(&s->out, "\r\n");
}

/* §4.3: a quoted string holds 7-bit TEXT-CHARs, with '"' and '\'
 * escaped; anything else (CR, LF, NUL, 8-bit, long) goes as a literal. */
void write_string(struct output *out, const char *p, size_t n)
{
	int quotable = n <= 1024;
	for (size_t i = 0; quotable && i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == 0 || c == '\r' || c == '\n' || c >= 0x80)
			quotable = 0;
	}
	if (!quotable) {
		output_printf(out, "{%zu}\r\n", n);
		output_write(out, p, n);
		return;
	}
	output_str(out, "\"");
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			output_write(out, p + start, i - start);
			output_str(out, "\\");
			start = i;
		}
	}
	output_write(out, p + start, n - start);
	output_str(out, "\"");
}

/* What every state offers; each extension here is complete. */
#define CAPABILITIES "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE NAMESPACE " \
	"UIDPLUS MOVE UNSELECT CHILDREN IDLE SPECIAL-USE ESEARCH " \
	"SEARCHRES WITHIN SORT SORT=DISPLAY ESORT CONTEXT=SEARCH CONTEXT=SORT " \
	"THREAD=ORDEREDSUBJECT " \
	"THREAD=REFERENCES THREAD=REFS LIST-EXTENDED LIST-STATUS STATUS=SIZE " \
	"BINARY MULTIAPPEND CONDSTORE QRESYNC UTF8=ACCEPT NOTIFY" \
	" QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE CREATE-SPECIAL-USE CATENATE"

const char *capabilities(struct session *s)
{
	static char list[sizeof CAPABILITIES + 64];
	if (s->state != STATE_NOT_AUTH)
		return CAPABILITIES;
	/* §6.2.1 (RFC 9051): STARTTLS is not offered once the link is
	 * encrypted; LOGINDISABLED (§7.2.1) while passwords are refused. */
	snprintf(list, sizeof list, "%s%s %s", CAPABILITIES,
		 !s->encrypted && starttls_available() ? " STARTTLS" : "",
		 session_plaintext_ok(s) ? "AUTH=PLAIN" : "LOGINDISABLED");
	return list;
}

int uid_set_format(struct bytes *out, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		int rc = j == i ?
			bytes_appendf(out, "%s%lu", i ? "," : "",
				      (unsigned long)v[i]) :
			bytes_appendf(out, "%s%lu:%lu", i ? "," : "",
				      (unsigned long)v[i], (unsigned long)v[j]);
		if (rc < 0)
			return -1;
		i = j + 1;
	}
	return 0;
}
