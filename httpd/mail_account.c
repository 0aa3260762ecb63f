/* mail_account.c - one user's folders as JMAP sees them, over the store. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "folder.h"
#include "fsutil.h"
#include "quota.h"
#include "log.h"
#include "mail.h"
#include "mime_encoding.h"

int mail_role_of(struct store *st, const char *folder, char *out,
		 size_t size)
{
	char attrs[128];
	size_t n = 0;
	if (folder_is_inbox(folder))
		snprintf(attrs, sizeof attrs, "\\Inbox");
	else if (!special_use_attrs(st, folder, attrs, sizeof attrs))
		return 0;
	/* RFC 8621 §2: one role, the SPECIAL-USE attribute in lower case
	 * without its backslash ("\\Sent" is "sent"); of several, the
	 * first */
	for (const char *p = attrs + 1; *p && *p != ' ' && n + 1 < size; p++)
		out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
	return n > 0 && size > 0;
}

static int by_name(const void *x, const void *y)
{
	const struct mail_box *a = x, *b = y;
	if (!strcmp(a->name, "INBOX") || !strcmp(b->name, "INBOX"))
		return strcmp(a->name, "INBOX") ? 1 : -1;
	return strcmp(a->name, b->name);
}

static int add_box(struct mail_account *a, const char *name)
{
	struct mail_box *v = realloc(a->box, (a->count + 1) * sizeof *v);
	if (!v)
		return -1;
	a->box = v;
	struct mail_box *b = &v[a->count];
	memset(b, 0, sizeof *b);
	b->name = strdup(name);
	if (!b->name || store_folder_counts(&a->st, name, &b->status) < 0) {
		free(b->name);
		return -1;
	}
	mail_role_of(&a->st, name, b->role_text, sizeof b->role_text);
	b->maxsize = a->maxsize;
	a->count++;
	return 0;
}

/* Mark the folders the subscription list names (lib/folder.h). */
static void read_subscriptions(struct mail_account *a)
{
	char **names;
	size_t n;
	if (subscriptions_read(a->st.root, &names, &n) == 0) {
		for (size_t k = 0; k < n; k++)
			for (size_t i = 0; i < a->count; i++)
				if (!strcmp(a->box[i].name, names[k]))
					a->box[i].subscribed = 1;
		subscriptions_free(names, n);
	}
	a->box[0].subscribed = 1;       /* INBOX always */
}

/* Open the account into a (mail_open without the sharing). */
static int open_account(struct jmap_call *c, struct mail_account *a)
{
	struct maildir_quota quota;     /* the store refuses what exceeds it */
	memset(a, 0, sizeof *a);
	a->maxsize = c->s->maxsize;
	if (quota_for_user(c->s->user, &quota) < 0 ||
	    store_open(&a->st, c->s->maildir) < 0)
		goto fail;
	store_set_quota(&a->st, &quota);
	if (add_box(a, "INBOX") < 0)
		goto fail;
	DIR *d = opendir(a->st.root);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.' || !e->d_name[1] || e->d_name[1] == '.' ||
		    !store_folder_exists(&a->st, e->d_name + 1))
			continue;
		if (add_box(a, e->d_name + 1) < 0)
			log_event("event=folder-error");
	}
	if (!d)
		goto fail;
	closedir(d);
	qsort(a->box, a->count, sizeof *a->box, by_name);
	for (size_t i = 0; i < a->count; i++)   /* the array has settled */
		a->box[i].role = a->box[i].role_text[0] ? a->box[i].role_text
							: NULL;
	read_subscriptions(a);
	return 0;
fail:
	log_event("event=store-error errno=%d", errno);
	jmap_error(c, "serverFail", "the mail store is unavailable");
	mail_close(a);
	return -1;
}

int mail_open(struct jmap_call *c, struct mail_account *a)
{
	struct mail_account **shared = jmap_shared_account(c);
	if (shared)     /* this call may write: later ones see it afresh */
		mail_shared_close(shared);
	return open_account(c, a);
}

struct mail_account *mail_use(struct jmap_call *c)
{
	struct mail_account **shared = jmap_shared_account(c);
	if (shared && *shared)
		return *shared;
	struct mail_account *a = malloc(sizeof *a);
	if (!a) {
		jmap_error(c, "serverFail", "out of memory");
		return NULL;
	}
	if (open_account(c, a) < 0) {
		free(a);
		return NULL;
	}
	if (shared)
		*shared = a;
	return a;
}

void mail_done(struct jmap_call *c, struct mail_account *a)
{
	struct mail_account **shared = jmap_shared_account(c);
	if (a && (!shared || *shared != a)) {
		mail_close(a);
		free(a);
	}
}

void mail_shared_close(struct mail_account **shared)
{
	if (*shared) {
		mail_close(*shared);
		free(*shared);
		*shared = NULL;
	}
}

void mail_close(struct mail_account *a)
{
	mail_cache_close(a);
	for (size_t i = 0; i < a->count; i++) {
		if (a->box[i].view)
			store_folder_close(a->box[i].view);
		free(a->box[i].name);
	}
	free(a->box);
	if (a->st.rootfd > 0)
		store_close(&a->st);
	memset(a, 0, sizeof *a);
}

struct store_folder *mail_view(struct mail_account *a, struct mail_box *b)
{
	(void)a;
	if (!b->view)
		b->view = store_folder_open(&a->st, b->name, 0);
	return b->view;
}

struct mail_box *mail_box_by_id(struct mail_account *a, const char *id)
{
	for (size_t i = 0; id && i < a->count; i++)
		if (!strcmp(a->box[i].status.mailboxid, id))
			return &a->box[i];
	return NULL;
}

struct mail_box *mail_box_by_role(struct mail_account *a, const char *role)
{
	for (size_t i = 0; i < a->count; i++)
		if (a->box[i].role && !strcmp(a->box[i].role, role))
			return &a->box[i];
	return NULL;
}

int mail_find(struct mail_account *a, const char *id, struct mail_ref *ref)
{
	char unique[STORE_UNIQUE_MAX + 1];
	if (mail_id_unique('M', id, unique, sizeof unique) < 0)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		struct store_folder *f = mail_view(a, &a->box[i]);
		if (!f)
			return -1;
		for (size_t k = 0; k < f->count; k++)
			if (!f->msgs[k].gone && !strcmp(f->msgs[k].unique, unique)) {
				ref->box = &a->box[i];
				ref->index = k;
				return 1;
			}
	}
	return 0;
}

struct mime_message *mail_parse(struct mail_ref *ref, int *fd, time_t *received)
{
	struct stat st;
	struct mime_message *m = NULL;
	*fd = store_message_open(ref->box->view, ref->index);
	if (*fd >= 0 && fstat(*fd, &st) == 0 && (m = mime_parse_file(*fd, 0))) {
		if (received)
			*received = st.st_mtime;
		return m;
	}
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return NULL;
}
