/* subscriptions.c - the subscription list (RFC 3501 §6.3.6, §6.3.7): the
 * file "subscriptions" in the Maildir root, one mailbox name a line (as
 * Dovecot keeps it), replaced atomically under flock on
 * "subscriptions.lock" so concurrent sessions lose no change. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "bytes.h"
#include "folder.h"
#include "fsutil.h"
#include "limits.h"

#define SUBSCRIPTIONS_MAX (IMAP_FOLDERS_MAX * (IMAP_MAILBOX_NAME_MAX + 1))

int subscriptions_read(const char *maildir, char ***names, size_t *count)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	const char *why;
	*names = NULL;
	*count = 0;
	snprintf(path, sizeof path, "%s/subscriptions", maildir);
	bytes_init(&b, SUBSCRIPTIONS_MAX);
	if (file_read_all(path, &b) < 0) {
		bytes_free(&b);
		return 0;       /* none yet */
	}
	char **v = calloc(IMAP_FOLDERS_MAX, sizeof *v);
	if (!v) {
		bytes_free(&b);
		return -1;
	}
	char *save, *line;
	for (line = strtok_r(b.data ? b.data : (char *)"", "\n", &save);
	     line && *count < IMAP_FOLDERS_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		if (folder_name_check(line, &why) < 0)
			continue;
		if (!(v[*count] = strdup(line)))
			break;
		(*count)++;
	}
	*names = v;
	bytes_free(&b);
	return 0;
}

void subscriptions_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* What one rewrite of the file does: drop the name "drop", give the
 * name "from" and the names below it the prefix "to" instead, add the
 * name "add" (each NULL when not wanted). */
struct subscription_edit {
	const char *drop, *from, *to, *add;
};

/* The name to keep for name under the edit into buf, or NULL to drop. */
static const char *edited(const struct subscription_edit *e,
			  const char *name, char *buf, size_t size)
{
	if (e->drop && !strcmp(name, e->drop))
		return NULL;
	if (e->from) {
		size_t n = strlen(e->from);
		if (!strncmp(name, e->from, n) &&
		    (name[n] == '\0' || name[n] == FOLDER_DELIMITER)) {
			if (snprintf(buf, size, "%s%s", e->to, name + n) >=
			    (int)size || strlen(buf) > IMAP_MAILBOX_NAME_MAX)
				return NULL;
			return buf;
		}
	}
	return name;
}

/* The one read-modify-write of the file, under its lock. 0 or -1. */
static int subscriptions_rewrite(const char *maildir,
				 const struct subscription_edit *e)
{
	char path[PATH_MAX_POSTERN], lock[PATH_MAX_POSTERN];
	char buf[2 * IMAP_MAILBOX_NAME_MAX + 2];
	char **v;
	size_t n;
	struct bytes out;
	snprintf(lock, sizeof lock, "%s/subscriptions.lock", maildir);
	snprintf(path, sizeof path, "%s/subscriptions", maildir);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0 || subscriptions_read(maildir, &v, &n) < 0) {
		close(fd);
		return -1;
	}
	bytes_init(&out, SUBSCRIPTIONS_MAX);
	int rc = 0, changed = 0, found = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *name = edited(e, v[i], buf, sizeof buf);
		changed |= name != v[i];
		found |= e->add && name && !strcmp(name, e->add);
		if (name)
			rc = bytes_appendf(&out, "%s\n", name);
	}
	if (rc == 0 && e->add && !found) {
		rc = bytes_appendf(&out, "%s\n", e->add);
		changed = 1;
	}
	if (rc == 0 && changed)
		rc = file_write_atomic(path, out.data ? out.data : "", out.len,
				       0600);
	subscriptions_free(v, n);
	bytes_free(&out);
	close(fd);
	return rc;
}

int subscriptions_change(const char *maildir, const char *name, int on)
{
	struct subscription_edit e = { .drop = on ? NULL : name,
				       .add = on ? name : NULL };
	return subscriptions_rewrite(maildir, &e);
}

int subscriptions_rename(const char *maildir, const char *from,
			 const char *to)
{
	struct subscription_edit e = { .from = from, .to = to };
	return subscriptions_rewrite(maildir, &e);
}
