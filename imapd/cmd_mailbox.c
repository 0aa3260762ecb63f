/* cmd_mailbox.c - CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE
 * (RFC 3501 §6.3.3-7) on Maildir++ folders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "folder.h"
#include "fsutil.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "maildir.h"

enum reply mailbox_arg(struct session *s, struct parse *p,
		       const char **name, char *dir, size_t size)
{
	struct string arg;
	const char *why;
	if (parse_astring(p, &arg) < 0)
		return REPLY_BAD;
	if (folder_name_check(arg.s, &why) < 0)
		return reply_set(s, REPLY_NO, "CANNOT", "%s", why);
	*name = folder_canonical(arg.s);
	if (folder_dir(s->maildir, *name, dir, size) < 0)
		return reply_set(s, REPLY_NO, "CANNOT", "Mailbox name too long");
	return REPLY_OK;
}

enum reply sole_mailbox_arg(struct session *s, struct parse *p,
			    const char **name, char *dir, size_t size)
{
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, name, dir, size);
	if (rc != REPLY_OK)
		return rc;
	return parse_end(p) < 0 ? REPLY_BAD : REPLY_OK;
}

static int is_selected(struct session *s, const char *name)
{
	return s->box && !strcmp(s->box->name, name);
}

int folder_make(const char *maildir, const char *name)
{
	char dir[PATH_MAX_POSTERN], marker[PATH_MAX_POSTERN + 16];
	if (folder_dir(maildir, name, dir, sizeof dir) < 0 ||
	    maildir_create(dir) < 0)
		return -1;
	snprintf(marker, sizeof marker, "%s/maildirfolder", dir);
	int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return fsync_dir(maildir);
}

/* §6.3.3: superior names are created as needed. */
static int folder_make_path(const char *maildir, const char *name)
{
	char part[IMAP_MAILBOX_NAME_MAX + 1];
	for (const char *d = strchr(name, FOLDER_DELIMITER); d;
	     d = strchr(d + 1, FOLDER_DELIMITER)) {
		snprintf(part, sizeof part, "%.*s", (int)(d - name), name);
		if (!folder_exists(maildir, part) &&
		    folder_make(maildir, part) < 0)
			return -1;
	}
	return folder_make(maildir, name);
}

enum reply cmd_create(struct session *s, struct parse *p)
{
	struct string arg;
	const char *why;
	if (parse_sp(p) < 0 || parse_astring(p, &arg) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	/* §6.3.3: a trailing delimiter only declares intent */
	if (arg.len > 1 && arg.s[arg.len - 1] == FOLDER_DELIMITER)
		arg.s[--arg.len] = '\0';
	if (folder_name_check(arg.s, &why) < 0)
		return reply_set(s, REPLY_NO, "CANNOT", "%s", why);
	if (folder_is_inbox(arg.s) || folder_exists(s->maildir, arg.s))
		return reply_set(s, REPLY_NO, "ALREADYEXISTS",
				 "Mailbox already exists");
	if (folder_make_path(s->maildir, arg.s) < 0) {
		log_event("event=create-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot create mailbox");
	}
	return REPLY_OK;
}

/* Remove a Maildir that was renamed out of sight: its files one level
 * down (cur/ new/ tmp/) and at the top, then the directories. */
static int remove_maildir(const char *dir)
{
	static const char *const subs[] = { "cur", "new", "tmp", "" };
	char path[PATH_MAX_POSTERN], file[PATH_MAX_POSTERN * 2];
	for (size_t i = 0; i < 4; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, subs[i]) >=
		    (int)sizeof path)
			continue;
		DIR *d = opendir(path);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(file, sizeof file, "%s/%s", path, e->d_name);
			if (unlink(file) < 0 && errno != EISDIR &&
			    errno != EPERM)
				log_event("event=delete-error errno=%d", errno);
		}
		closedir(d);
		if (subs[i][0] && rmdir(path) < 0)
			log_event("event=delete-error errno=%d", errno);
	}
	return rmdir(dir);
}

/* §6.3.4: inferiors stay (their parent then shows as \Noselect). */
enum reply cmd_delete(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN], gone[PATH_MAX_POSTERN];
	enum reply rc = sole_mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (folder_is_inbox(name))
		return reply_set(s, REPLY_NO, "CANNOT", "Cannot delete INBOX");
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such mailbox");
	if (is_selected(s, name))
		return reply_set(s, REPLY_NO, "INUSE",
				 "Cannot delete the selected mailbox");
	/* out of sight first (".." never names a folder), then removed */
	if (snprintf(gone, sizeof gone, "%s/..deleted.%ld", s->maildir,
		     (long)getpid()) >= (int)sizeof gone ||
	    rename(dir, gone) < 0 || fsync_dir(s->maildir) < 0) {
		log_event("event=delete-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot delete mailbox");
	}
	if (remove_maildir(gone) < 0)
		log_event("event=delete-debris dir=%s", gone);
	/* the rule (as Dovecot): a deleted folder leaves the
	 * subscriptions; its inferiors, which stay, keep theirs */
	if (subscriptions_change(s->maildir, name, 0) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	return REPLY_OK;
}

/* §6.3.5: renaming INBOX moves its messages to the new folder and
 * leaves INBOX empty. */
static int rename_inbox(struct session *s, const char *to)
{
	static const char *const subs[] = { "new", "cur" };
	char dst[PATH_MAX_POSTERN], a[PATH_MAX_POSTERN * 2];
	char b[PATH_MAX_POSTERN * 2];
	if (folder_make_path(s->maildir, to) < 0 ||
	    folder_dir(s->maildir, to, dst, sizeof dst) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		snprintf(a, sizeof a, "%s/%s", s->maildir, subs[i]);
		DIR *d = opendir(a);
		if (!d)
			return -1;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(a, sizeof a, "%s/%s/%s", s->maildir, subs[i],
				 e->d_name);
			snprintf(b, sizeof b, "%s/%s/%s", dst, subs[i],
				 e->d_name);
			if (rename(a, b) < 0 && errno != ENOENT) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	return 0;
}

/* Rename the folder and every folder below it. */
static int rename_tree(struct session *s, const char *from, const char *to)
{
	struct folder_list l;
	char a[PATH_MAX_POSTERN], b[PATH_MAX_POSTERN];
	char sub[IMAP_MAILBOX_NAME_MAX * 2 + 2];
	size_t n = strlen(from);
	if (folder_list_read(s->maildir, NULL, 0, &l) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < l.count; i++) {
		const char *name = l.v[i].name;
		if (!l.v[i].exists || strncmp(name, from, n) ||
		    (name[n] && name[n] != FOLDER_DELIMITER))
			continue;
		snprintf(sub, sizeof sub, "%s%s", to, name + n);
		if (strlen(sub) > IMAP_MAILBOX_NAME_MAX ||
		    folder_dir(s->maildir, name, a, sizeof a) < 0 ||
		    folder_dir(s->maildir, sub, b, sizeof b) < 0 ||
		    rename(a, b) < 0)
			rc = -1;
	}
	folder_list_free(&l);
	return rc == 0 ? fsync_dir(s->maildir) : -1;
}

enum reply cmd_rename(struct session *s, struct parse *p)
{
	const char *from, *to;
	char fdir[PATH_MAX_POSTERN], tdir[PATH_MAX_POSTERN];
	char parent[IMAP_MAILBOX_NAME_MAX + 1];
	enum reply rc;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	if ((rc = mailbox_arg(s, p, &from, fdir, sizeof fdir)) != REPLY_OK)
		return rc;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	if ((rc = mailbox_arg(s, p, &to, tdir, sizeof tdir)) != REPLY_OK)
		return rc;
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (!folder_exists(s->maildir, from))
		return reply_set(s, REPLY_NO, "NONEXISTENT", "No such mailbox");
	if (folder_is_inbox(to) || folder_exists(s->maildir, to))
		return reply_set(s, REPLY_NO, "ALREADYEXISTS",
				 "Mailbox already exists");
	if (is_selected(s, from))
		return reply_set(s, REPLY_NO, "INUSE",
				 "Cannot rename the selected mailbox");
	if (folder_is_inbox(from)) {
		if (rename_inbox(s, to) < 0)
			return reply_set(s, REPLY_NO, "SERVERBUG",
					 "Cannot rename INBOX");
		return REPLY_OK;
	}
	const char *d = strrchr(to, FOLDER_DELIMITER);
	if (d) {
		snprintf(parent, sizeof parent, "%.*s", (int)(d - to), to);
		if (strncmp(parent, from, strlen(from)) &&
		    folder_make_path(s->maildir, parent) < 0)
			return reply_set(s, REPLY_NO, "SERVERBUG",
					 "Cannot create parent");
	}
	if (rename_tree(s, from, to) < 0) {
		log_event("event=rename-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot rename mailbox");
	}
	/* the subscriptions follow the folder and those below it */
	if (subscriptions_rename(s->maildir, from, to) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	return REPLY_OK;
}

static enum reply subscription(struct session *s, struct parse *p, int on)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	enum reply rc = sole_mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (subscriptions_change(s->maildir, name, on) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot change subscriptions");
	return REPLY_OK;
}

enum reply cmd_subscribe(struct session *s, struct parse *p)
{
	return subscription(s, p, 1);
}

enum reply cmd_unsubscribe(struct session *s, struct parse *p)
{
	return subscription(s, p, 0);
}
