/* commands.c - the envelope commands of RFC 5321 §4.1.1: HELO, EHLO,
 * MAIL, RCPT, RSET, NOOP, QUIT, VRFY, EXPN, HELP. Each handler checks its
 * arguments, then proceeds; the table in main.c has already checked the
 * state. Client text is never echoed in a reply. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "address.h"
#include "control.h"
#include "log.h"
#include "smtpd.h"

int setting_get(struct setting *st, long *out)
{
	if (!st->loaded) {
		if (setting_load(st->id, &st->value) < 0)
			return -1;      /* logged; the caller answers 421 */
		st->loaded = 1;
	}
	*out = st->value;
	return 0;
}

void transaction_reset(struct session *s)
{
	envelope_free(&s->env);
	envelope_init(&s->env);
	s->smtputf8 = 0;
	s->eightbit = 0;
	s->declared_size = 0;
	if (s->state & (STATE_MAIL | STATE_RCPT))
		s->state = STATE_HELLO;
}

/* Keep the HELO/EHLO argument for Received: and the log: printable ASCII
 * only, anything else becomes '?'. Returns -1 when there is none. */
static int hello_keep(struct session *s, const char *args)
{
	size_t i;

	if (!*args)
		return -1;
	for (i = 0; args[i] && i + 1 < sizeof s->helo; i++)
		s->helo[i] = args[i] > ' ' && args[i] < 0x7f &&
			     args[i] != '(' && args[i] != ')' ? args[i] : '?';
	s->helo[i] = '\0';
	transaction_reset(s);
	s->state = STATE_HELLO;
	return 0;
}

enum reply cmd_helo(struct session *s, char *args)
{
	if (hello_keep(s, args) < 0)
		return REPLY_SYNTAX;
	s->esmtp = 0;
	reply_line(s, 250, " %s", s->me);
	return REPLY_SENT;
}

/* EHLO (§4.1.1.1): the greeting line, then one keyword per line. */
enum reply cmd_ehlo(struct session *s, char *args)
{
	const char *keywords[8];
	char size[40];
	long maxsize;
	size_t n = 0, i;
	int auth;

	if (!*args)
		return REPLY_SYNTAX;
	if (setting_get(&s->maxsize, &maxsize) < 0)
		return REPLY_CONFIG;
	auth = s->submission ? 1 : auth_allowed(s);
	if (auth < 0)
		return REPLY_CONFIG;
	hello_keep(s, args);
	s->esmtp = 1;
	snprintf(size, sizeof size, "SIZE %ld", maxsize);
	keywords[n++] = "PIPELINING";                   /* RFC 2920 */
	keywords[n++] = size;                           /* RFC 1870 */
	keywords[n++] = "8BITMIME";                     /* RFC 6152 */
	keywords[n++] = "ENHANCEDSTATUSCODES";          /* RFC 2034 */
	keywords[n++] = "SMTPUTF8";                     /* RFC 6531 */
	if (auth)
		keywords[n++] = "AUTH PLAIN LOGIN";     /* RFC 4954 */
	keywords[n++] = "HELP";
	reply_line(s, 250, "-%s", s->me);
	for (i = 0; i < n; i++)
		reply_line(s, 250, "%c%s", i + 1 < n ? '-' : ' ', keywords[i]);
	return REPLY_SENT;
}

enum reply cmd_rset(struct session *s, char *args)
{
	if (*args)
		return REPLY_SYNTAX;
	transaction_reset(s);
	return REPLY_OK;
}

enum reply cmd_noop(struct session *s, char *args)
{
	(void)s;
	(void)args;
	return REPLY_OK;        /* §4.1.1.9: a parameter is ignored */
}

enum reply cmd_quit(struct session *s, char *args)
{
	(void)s;
	return *args ? REPLY_SYNTAX : REPLY_BYE;
}

/* VRFY (§3.5.3): we never confirm or deny a user. */
enum reply cmd_vrfy(struct session *s, char *args)
{
	(void)s;
	return *args ? REPLY_VRFY : REPLY_SYNTAX;
}

/* EXPN (§3.5.2) would disclose alias lists. */
enum reply cmd_expn(struct session *s, char *args)
{
	(void)s;
	(void)args;
	return REPLY_NOT_IMPLEMENTED;
}

enum reply cmd_help(struct session *s, char *args)
{
	(void)args;
	reply_line(s, 214, "-2.0.0 postern smtpd; commands:");
	reply_line(s, 214, "-2.0.0   HELO EHLO AUTH MAIL RCPT DATA");
	reply_line(s, 214, "-2.0.0   RSET NOOP QUIT VRFY HELP");
	reply_line(s, 214, " 2.0.0 End of HELP info");
	return REPLY_SENT;
}
