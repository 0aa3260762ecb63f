/* stls.c - STLS (RFC 2595 §4) through the control pipe that
 * "tlswrapper -n" gives pop3d (lib/starttls.h). */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "session.h"
#include "starttls.h"

int stls_offered(const struct session *s)
{
	return !s->encrypted && starttls_available();
}

/* "+OK" goes through the control pipe; what the client pipelined after
 * STLS is thrown away (CVE-2011-0411). §4: the server forgets what it
 * learnt before (a USER name) and the client asks CAPA again. */
enum reply command_stls(struct session *s, char *args)
{
	if (*args)
		return REPLY_SYNTAX;
	if (s->encrypted) {
		s->bad_commands++;
		return reply_line(s, "-ERR TLS is already active") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	if (!starttls_available()) {
		s->bad_commands++;
		return reply_line(s, "-ERR STLS is not available") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	if (starttls_start(&s->in, &s->out, "+OK begin TLS negotiation\r\n") < 0) {
		log_event("event=starttls-error client=%s errno=%d", s->peer,
			  errno);
		return REPLY_FATAL;
	}
	memset(s->user, 0, sizeof s->user);
	session_link(s, 1);
	log_event("event=starttls client=%s tls=1", s->peer);
	return REPLY_DONE;
}
