/* mail_account.c - one user's folders as JMAP sees them, over the store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "log.h"
#include "mail.h"
#include "mime_encoding.h"

/* RFC 8621 §2 roles of the SPECIAL-USE folders (RFC 6154) imapd makes. */
static const struct { const char *name, *role; } roles[] = {
	{ "INBOX", "inbox" }, { "Sent", "sent" }, { "Drafts", "drafts" },
	{ "Trash", "trash" }, { "Junk", "junk" }, { "Archive", "archive" },
};

static const char *role_of(const char *name)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].role;
	return NULL;
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
	if (!b->name || store_folder_status(&a->st, name, &b->status) < 0) {
		free(b->name);
		return -1;
	}
	b->role = role_of(name);
	a->count++;
	return 0;
}

/* Mark the folders named in ROOT/subscriptions. */
static void read_subscriptions(struct mail_account *a)
{
	char path[PATH_MAX_POSTERN + 16];
	struct bytes b;
	bytes_init(&b, 1 << 20);
	snprintf(path, sizeof path, "%s/subscriptions", a->st.root);
	if (file_read_all(path, &b) == 0 && b.data) {
		char *save = NULL;
		for (char *l = strtok_r(b.data, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			for (size_t i = 0; i < a->count; i++)
				if (!strcmp(a->box[i].name, l))
					a->box[i].subscribed = 1;
	}
	bytes_free(&b);
	a->box[0].subscribed = 1;       /* INBOX always */
}

int mail_open(struct jmap_call *c, struct mail_account *a)
{
	memset(a, 0, sizeof *a);
	if (store_open(&a->st, c->s->maildir) < 0)
		goto fail;
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
	read_subscriptions(a);
	return 0;
fail:
	log_event("event=store-error errno=%d", errno);
	jmap_error(c, "serverFail", "the mail store is unavailable");
	mail_close(a);
	return -1;
}

void mail_close(struct mail_account *a)
{
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

int mail_read(struct mail_ref *ref, struct bytes *out, time_t *received)
{
	struct stat st;
	struct bytes raw;
	int fd = store_message_open(ref->box->view, ref->index);
	if (fd < 0)
		return -1;
	bytes_init(&raw, out->max);
	char buf[65536];
	ssize_t n;
	int rc = fstat(fd, &st);
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) != 0)
		if (n < 0 || bytes_append(&raw, buf, (size_t)n) < 0)
			rc = -1;
	close(fd);
	if (rc == 0 && received)
		*received = st.st_mtime;
	if (rc == 0)
		rc = mime_crlf_append(out, raw.data ? raw.data : "", raw.len);
	bytes_free(&raw);
	return rc;
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
