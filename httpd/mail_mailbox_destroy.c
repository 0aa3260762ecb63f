/* mail_mailbox_destroy.c - Mailbox/set's destroy (RFC 8621 §2.5):
 * mailboxHasChild, mailboxHasEmail unless onDestroyRemoveEmails, INBOX
 * forbidden; the folder goes with store_folder_delete and leaves the
 * subscription list. Children named in the same call go first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "folder.h"
#include "log.h"
#include "mailbox_set.h"

static enum outcome destroy_one(struct box_set *m, const char *id,
				struct box_error *e)
{
	struct mail_box *b = id ? mail_box_by_id(&m->a, id) : NULL;
	char name[IMAP_MAILBOX_NAME_MAX + 2];
	if (!b)
		return box_fail(e, "notFound", NULL, NULL);
	if (folder_is_inbox(b->name))
		return box_fail(e, "forbidden", NULL, "INBOX cannot be destroyed");
	size_t n = strlen(b->name);
	for (size_t i = 0; i < m->a.count; i++)
		if (!strncmp(m->a.box[i].name, b->name, n) &&
		    m->a.box[i].name[n] == '.')
			return box_fail(e, "mailboxHasChild", NULL, NULL);
	if (b->status.messages && !m->remove_emails)
		return box_fail(e, "mailboxHasEmail", NULL, NULL);
	snprintf(name, sizeof name, "%s", b->name);
	if (store_folder_delete(&m->a.st, name) < 0) {
		log_event("event=mailbox-delete-error errno=%d", errno);
		return errno == ENOENT ? box_fail(e, "notFound", NULL, NULL)
				       : box_fail(e, "serverFail", NULL, NULL);
	}
	if (subscriptions_change(m->a.st.root, name, 0) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	return box_reopen(m) < 0 ? FAILED : DONE;
}

/* One destroy, and how deep its folder is (children go first). */
struct doomed {
	const struct json *given;
	const char *id;
	size_t depth, order;
};

static int deepest_first(const void *x, const void *y)
{
	const struct doomed *a = x, *b = y;
	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

void box_destroys(struct box_set *m)
{
	size_t n = 0, len = m->destroy ? m->destroy->len : 0;
	struct doomed *v = len ? calloc(len, sizeof *v) : NULL;
	if (len && !v) {
		jmap_error(m->c, "serverFail", "out of memory");
		return;
	}
	for (const struct json *d = len ? m->destroy->child : NULL; d;
	     d = d->next, n++) {
		struct mail_box *b;
		v[n] = (struct doomed){ d, jmap_id(m->c, json_string(d)), 0, n };
		if (v[n].id && (b = mail_box_by_id(&m->a, v[n].id)))
			for (const char *c = b->name; *c; c++)
				v[n].depth += *c == '.';
	}
	if (n)
		qsort(v, n, sizeof *v, deepest_first);
	for (size_t i = 0; i < n && !m->c->error; i++) {
		struct box_error e = { NULL, NULL, NULL };
		if (destroy_one(m, v[i].id, &e) == DONE)
			json_str(&m->r.w[SET_DESTROYED], v[i].id);
		else if (!m->c->error)
			mail_set_error_property(&m->r.w[SET_NOT_DESTROYED],
						json_string(v[i].given)
						? v[i].given->str : "?",
						e.type, e.description, e.property);
	}
	free(v);
}

