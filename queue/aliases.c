/* aliases.c - alias expansion (aliases.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "address.h"
#include "aliases.h"
#include "bytes.h"
#include "local.h"
#include "log.h"

const char *address_domain(const char *address)
{
	const char *at = strrchr(address, '@');
	return at ? at + 1 : "";
}

/* Is address the same as one of i's ancestors (or i itself)? */
static int below_itself(const struct msg_state *st, long i, const char *address)
{
	for (long p = st->rcpt[i].parent; p >= 0; p = st->rcpt[p].parent)
		if (strcasecmp(st->rcpt[p].address, address) == 0)
			return 1;
	return 0;
}

static int already_listed(const struct msg_state *st, const char *address)
{
	for (size_t i = 0; i < st->count; i++)
		if (st->rcpt[i].status != RCPT_EXPANDED &&
		    strcasecmp(st->rcpt[i].address, address) == 0)
			return 1;
	return 0;
}

/* Add one target (trimmed text t of length n) under parent. */
static void add_target(const char *id, struct msg_state *st, long parent,
		       const char *t, size_t n)
{
	char full[ADDRESS_PATH_MAX + 1], q[128];
	struct address a;
	const char *reason;
	const char *domain = address_domain(st->rcpt[parent].address);
	int len = memchr(t, '@', n) ? snprintf(full, sizeof full, "%.*s", (int)n, t)
				    : snprintf(full, sizeof full, "%.*s@%s", (int)n, t, domain);
	if (len < 0 || (size_t)len >= sizeof full ||
	    address_parse_mailbox(full, &a, ADDRESS_ALLOW_UTF8, &reason) < 0) {
		log_event("id=%s event=alias-target-invalid alias=%s target=%s", id,
			  st->rcpt[parent].address, log_quote(full, q, sizeof q));
		return;
	}
	if (already_listed(st, full))
		return;
	if (state_add(st, full, parent) < 0)
		log_event("id=%s event=alias-expansion-too-large alias=%s", id,
			  st->rcpt[parent].address);
}

/* The targets "a, b, c" of recipient i. */
static void add_targets(const char *id, struct msg_state *st, long i,
			const char *targets)
{
	const char *p = targets;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *s = p, *e = p + n;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s)
			add_target(id, st, i, s, (size_t)(e - s));
		p += n + (p[n] == ',');
	}
}

/* The alias of address, or of its base address. 1, 0, -1. */
static int lookup(const char *address, struct bytes *targets)
{
	char base[ADDRESS_PATH_MAX + 1];
	int rc = local_alias(address, targets);
	if (rc != 0 || local_base_address(address, base, sizeof base) < 0 ||
	    strcasecmp(base, address) == 0)
		return rc;
	return local_alias(base, targets);
}

int aliases_expand(const char *id, struct msg_state *st)
{
	struct bytes targets;
	int expanded = 0;
	bytes_init(&targets, CONTROL_LINE_MAX);
	for (size_t i = 0; i < st->count; i++) {
		struct rcpt_state *r = &st->rcpt[i];
		if (r->status != RCPT_PENDING || below_itself(st, (long)i, r->address) ||
		    local_domain(address_domain(r->address)) != 1)
			continue;
		int rc = lookup(r->address, &targets);
		if (rc < 0) {
			bytes_free(&targets);
			return -1;
		}
		if (rc == 0)
			continue;
		r->status = RCPT_EXPANDED;
		snprintf(r->reply, sizeof r->reply, "expanded by the aliases file");
		add_targets(id, st, (long)i, bytes_str(&targets));
		expanded++;
	}
	bytes_free(&targets);
	return expanded;
}
