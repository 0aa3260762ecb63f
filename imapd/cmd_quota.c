/* cmd_quota.c - QUOTA (RFC 9208): GETQUOTA, GETQUOTAROOT, SETQUOTA.
 * A user has one quota root, "" (the whole Maildir, every folder), with
 * the STORAGE (KiB on disk, §5.1) and MESSAGE (§5.2) limits of the
 * control file "quota" (lib/quota.h); the store keeps the usage
 * (store.h "QUOTA") and refuses what would exceed it (OVERQUOTA, in
 * cmd_append.c and cmd_copy.c). */
#include <inttypes.h>
#include <string.h>
#include "imapd.h"
#include "log.h"

/* The user's one quota root (§3.2: an opaque name). */
#define QUOTA_ROOT ""

/* "* QUOTA "" (STORAGE used limit MESSAGE used limit)": §4.2.1, a
 * resource without a limit is left out (an empty list: none). 0 or -1. */
static int quota_write(struct session *s)
{
	const struct maildir_quota *q = &s->store.quota;
	struct store_usage u = { 0, 0 };
	if ((q->octets || q->messages) && store_quota_usage(&s->store, &u) < 0)
		return -1;
	output_str(&s->out, "* QUOTA ");
	write_string(&s->out, QUOTA_ROOT, strlen(QUOTA_ROOT));
	output_str(&s->out, " (");
	if (q->octets)  /* §5.1: units of 1024 octets, rounded up */
		output_printf(&s->out, "STORAGE %" PRIu64 " %" PRIu64,
			      (u.octets + 1023) / 1024, q->octets / 1024);
	if (q->messages)
		output_printf(&s->out, "%sMESSAGE %" PRIu64 " %" PRIu64,
			      q->octets ? " " : "", u.messages, q->messages);
	output_str(&s->out, ")\r\n");
	return 0;
}

static enum reply quota_unreadable(struct session *s)
{
	log_event("event=quota-error user=%s", s->user);
	return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot read the quota");
}

/* getquota = "GETQUOTA" SP quota-root-name (§4.1.1) */
enum reply cmd_getquota(struct session *s, struct parse *p)
{
	struct string root;
	if (parse_sp(p) < 0 || parse_astring(p, &root) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	if (strcmp(root.s, QUOTA_ROOT))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such quota root");
	return quota_write(s) < 0 ? quota_unreadable(s) : REPLY_OK;
}

/* getquotaroot = "GETQUOTAROOT" SP mailbox (§4.1.2: the mailbox need
 * not exist; it would be under the same root). */
enum reply cmd_getquotaroot(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	enum reply rc = sole_mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	output_str(&s->out, "* QUOTAROOT ");
	write_string(&s->out, name, strlen(name));
	output_str(&s->out, " ");
	write_string(&s->out, QUOTA_ROOT, strlen(QUOTA_ROOT));
	output_str(&s->out, "\r\n");
	return quota_write(s) < 0 ? quota_unreadable(s) : REPLY_OK;
}

/* setquota = "SETQUOTA" SP quota-root-name SP setquota-list (§4.1.3).
 * Parsed whole (a malformed one is BAD), then refused: quotas are the
 * administrator's (the control file), and QUOTASET is not offered. */
enum reply cmd_setquota(struct session *s, struct parse *p)
{
	struct string root, name, limit;
	if (parse_sp(p) < 0 || parse_astring(p, &root) < 0 ||
	    parse_sp(p) < 0 || parse_open(p) < 0)
		return REPLY_BAD;
	for (int first = 1; parse_peek(p) != ')'; first = 0)
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &name) < 0 ||
		    parse_sp(p) < 0 || parse_atom(p, &limit) < 0 ||
		    limit.len == 0 || strspn(limit.s, "0123456789") != limit.len)
			return REPLY_BAD;
	if (parse_close(p) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	return reply_set(s, REPLY_NO, "NOPERM",
			 "Quotas are set by the administrator");
}
