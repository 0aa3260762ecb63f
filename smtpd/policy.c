/* policy.c - whom smtpd accepts mail for, and from whom.
 *
 * MX mode: a recipient in a local domain must be a user or an alias
 * (refused at RCPT time, never accepted and bounced later); postmaster@
 * every local domain is always accepted (RFC 5321 §4.5.1). Any other
 * domain is relaying, allowed only for a client in relaynets, with
 * $RELAYCLIENT, or after AUTH.
 * Submission mode (RFC 6409): the sender must be the authenticated user. */
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "control.h"
#include "local.h"
#include "log.h"
#include "peer.h"
#include "smtpd.h"

/* Is the client in relaynets (default 127.0.0.0/8 and ::1/128)?
 * 1, 0, or -1 when the file cannot be read. Asked once per session. */
static int client_in_relaynets(struct session *s)
{
	static const char *const dflt[] = {"127.0.0.0/8", "::1/128"};
	struct control_list list;
	size_t i;
	int r;

	if (s->relaynet >= 0)
		return s->relaynet;
	r = control_list("relaynets", &list);
	if (r < 0)
		return -1;
	s->relaynet = 0;
	if (r == 0) {
		for (i = 0; i < 2; i++)
			if (peer_in_network(s->client_ip, dflt[i]))
				s->relaynet = 1;
	} else {
		for (i = 0; i < list.count; i++)
			if (peer_in_network(s->client_ip, list.items[i]))
				s->relaynet = 1;
	}
	control_list_free(&list);
	return s->relaynet;
}

/* Is address a user or an alias? 1, 0, -1. */
static int known_address(const char *address)
{
	struct bytes targets;
	int r;

	r = local_user(address);
	if (r != 0)
		return r;
	bytes_init(&targets, CONTROL_LINE_MAX);
	r = local_alias(address, &targets);
	bytes_free(&targets);
	return r;
}

/* A recipient in a local domain: postmaster, a user or an alias, with or
 * without a +tag. */
static enum reply local_recipient(const char *rcpt)
{
	char base[ADDRESS_PATH_MAX + 1];
	size_t n = strlen("postmaster@");
	int r;

	if (strncasecmp(rcpt, "postmaster@", n) == 0)
		return REPLY_OK_RCPT;
	r = known_address(rcpt);
	if (r == 0 && local_base_address(rcpt, base, sizeof base) == 0 &&
	    strcasecmp(base, rcpt) != 0)
		r = known_address(base);
	if (r < 0)
		return REPLY_TEMPFAIL;
	return r ? REPLY_OK_RCPT : REPLY_NO_USER;
}

enum reply policy_recipient(struct session *s, const char *rcpt,
			    const char *domain)
{
	int r = local_domain(domain);

	if (r < 0) {
		log_event("event=config-error file=domains");
		return REPLY_TEMPFAIL;
	}
	if (r)
		return local_recipient(rcpt);
	if (s->relayclient || s->auth_user[0])
		return REPLY_OK_RCPT;
	r = client_in_relaynets(s);
	if (r < 0) {
		log_event("event=config-error file=relaynets");
		return REPLY_TEMPFAIL;
	}
	return r ? REPLY_OK_RCPT : REPLY_RELAY_DENIED;
}

int policy_trusted_client(struct session *s)
{
	return s->relayclient ? 1 : client_in_relaynets(s);
}

enum reply policy_sender(struct session *s, const char *sender)
{
	char mine[ADDRESS_PATH_MAX + 1], theirs[ADDRESS_PATH_MAX + 1];

	if (!s->submission)
		return REPLY_OK;
	if (strcasecmp(sender, s->auth_user) == 0)
		return REPLY_OK;
	/* user+tag@domain is the user's too. */
	if (*sender && local_base_address(sender, theirs, sizeof theirs) == 0 &&
	    local_base_address(s->auth_user, mine, sizeof mine) == 0 &&
	    strcasecmp(mine, theirs) == 0)
		return REPLY_OK;
	return REPLY_NOT_OWNER;
}
