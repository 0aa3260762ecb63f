/* deliver_local.c - local delivery into Maildirs (deliver_local.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "bytes.h"
#include "deliver_local.h"
#include "journal.h"
#include "local.h"
#include "local_header.h"
#include "maildir.h"
#include "quota.h"
#include "store.h"

int local_is_postmaster(const char *address)
{
	const char *at = strrchr(address, '@');
	size_t n = at ? (size_t)(at - address) : strlen(address);
	return n == 10 && strncasecmp(address, "postmaster", 10) == 0;
}

/* Does base (user@domain without +tag) have a mailbox? 1, 0, -1. */
static int has_mailbox(const char *base)
{
	if (local_is_postmaster(base))
		return 1;
	return local_user(base);
}

/* A journal line naming the file before the rename delivers it: if we
 * are killed before the result is recorded, the runner looks for it. */
struct intent {
	struct delivery *d;
	struct delivery_rcpt *r;
};

static int note_intent(void *ctx, const char *dir, const char *name)
{
	struct delivery *d = ((struct intent *)ctx)->d;
	struct delivery_rcpt *r = ((struct intent *)ctx)->r;
	struct bytes line;
	bytes_init(&line, PATH_MAX_POSTERN * 2);
	int rc = journal_format_maildir(&line, r->index, r->attempt, r->address, dir, name);
	if (rc == 0)
		rc = journal_append(d->sp, d->id, line.data, line.len, 0);
	bytes_free(&line);
	return rc;
}

static void deliver_one(struct delivery *d, struct delivery_rcpt *r,
			struct bytes *header)
{
	char base[ADDRESS_PATH_MAX + 1], dir[PATH_MAX_POSTERN], name[256];
	char reply[STATE_REPLY_MAX];
	if (local_base_address(r->address, base, sizeof base) < 0) {
		delivery_set(r, RESULT_BOUNCED, "local", "550 5.1.3 bad mailbox name");
		return;
	}
	int known = has_mailbox(base);
	if (known <= 0) {
		delivery_set(r, known < 0 ? RESULT_DEFERRED : RESULT_BOUNCED, "local",
			     known < 0 ? "451 4.3.0 cannot read the users file" :
			     "550 5.1.1 no such user here");
		return;
	}
	off_t rest;
	switch (local_header(d->env->sender, r->address, d->fd, d->offset, header, &rest)) {
	case LOCAL_HEADER_LOOP:         /* as Postfix's local(8) */
		delivery_set(r, RESULT_BOUNCED, "local", "554 5.4.6 mail forwarding loop: "
			     "the message was already delivered to this address");
		return;
	case LOCAL_HEADER_ERROR:
		snprintf(reply, sizeof reply, "451 4.3.0 reading the queued message: %s",
			 strerror(errno));
		delivery_set(r, RESULT_DEFERRED, "local", reply);
		return;
	case LOCAL_HEADER_OK:
		break;
	}
	if (maildir_path(dir, sizeof dir, NULL, base) < 0) {
		delivery_set(r, errno == EINVAL ? RESULT_BOUNCED : RESULT_DEFERRED, "local",
			     errno == EINVAL ? "550 5.1.3 no Maildir can have this name" :
			     "451 4.3.0 cannot build the Maildir path");
		return;
	}
	struct maildir_quota quota;
	if (quota_for_user(base, &quota) < 0) {
		delivery_set(r, RESULT_DEFERRED, "local",
			     "451 4.3.0 cannot read the quota file");
		return;
	}
	/* the store names it with the size hints APPEND gives (,S= ,W=) and
	 * calls note_intent with that name just before the rename; over the
	 * quota it writes nothing and the message waits in the queue (RFC
	 * 3463 4.2.2, as Postfix and Dovecot do) until it fits or outlives
	 * the queue lifetime, and bounces then */
	struct intent in = { d, r };
	if (store_deliver(dir, &quota, header->data, header->len, d->fd, rest,
			  name, sizeof name, note_intent, &in) < 0) {
		if (errno == EDQUOT)
			snprintf(reply, sizeof reply, "452 4.2.2 mailbox full: "
				 "over its quota");
		else
			snprintf(reply, sizeof reply, "451 4.2.0 Maildir delivery "
				 "failed: %s", strerror(errno));
		delivery_set(r, RESULT_DEFERRED, "local", reply);
		return;
	}
	snprintf(reply, sizeof reply, "250 2.0.0 delivered to Maildir as %s", name);
	delivery_set(r, RESULT_SENT, "local", reply);
}

void local_deliver(struct delivery *d)
{
	struct bytes header;
	bytes_init(&header, LOCAL_HEADER_MAX + 2 * ADDRESS_PATH_MAX + 64);
	for (size_t i = 0; i < d->count; i++) {
		deliver_one(d, &d->rcpt[i], &header);
		delivery_record(d);
	}
	bytes_free(&header);
}
