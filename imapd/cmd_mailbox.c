/* cmd_mailbox.c - CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE
 * (RFC 3501 §6.3.3-7) on Maildir++ folders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "folder.h"
#include "fsutil.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "utf8.h"

enum reply mailbox_arg(struct session *s, struct parse *p,
		       const char **name, char *dir, size_t size)
{
	struct string arg;
	const char *why, *stored;
	if (parse_astring(p, &arg) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_name_in(s, p, &arg, &stored);
	if (rc != REPLY_OK)
		return rc;
	if (folder_name_check(stored, &why) < 0)
		return reply_set(s, REPLY_NO, "CANNOT", "%s", why);
	*name = folder_canonical(stored);
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

/* §6.3.3: superior names are created as needed. */
static int folder_make_path(struct store *st, const char *name)
{
	char part[IMAP_MAILBOX_NAME_MAX + 1];
	for (const char *d = strchr(name, FOLDER_DELIMITER); d;
	     d = strchr(d + 1, FOLDER_DELIMITER)) {
		snprintf(part, sizeof part, "%.*s", (int)(d - name), name);
		if (!store_folder_exists(st, part) &&
		    store_folder_create(st, part) < 0)
			return -1;
	}
	return store_folder_create(st, name);
}

/* RFC 6154 §3 (create-params of RFC 4466 §2.2):
 * [SP "(" "USE" SP "(" [use-attr *(SP use-attr)] ")" ")"] to the end.
 * *uses gets the STORE_USE_* bits; *unsupported the first attribute
 * the store cannot give a folder (a static name, "" for one unknown),
 * or NULL. 0, or -1 with p->error. */
static int create_params(struct parse *p, unsigned *uses,
			 const char **unsupported)
{
	struct string word;
	*uses = 0;
	*unsupported = NULL;
	if (parse_peek(p) != ' ')
		return parse_end(p);    /* "Extra characters" when not the end */
	if (parse_sp(p) < 0 || parse_open(p) < 0 || parse_atom(p, &word) < 0 ||
	    strcasecmp(word.s, "USE") || parse_sp(p) < 0 || parse_open(p) < 0) {
		p->error = "Unknown CREATE parameter";
		return -1;
	}
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_peek(p) != '\\')
			return -1;
		size_t start = p->pos++;
		if (parse_atom(p, &word) < 0)
			return -1;
		unsigned bit = store_special_use_bit(p->buf + start,
						     p->pos - start);
		*uses |= bit;
		if (!bit && !*unsupported)
			*unsupported = !strcasecmp(word.s, "All") ? "\\All" :
				       !strcasecmp(word.s, "Flagged") ?
				       "\\Flagged" : "";
	}
	return parse_close(p) < 0 || parse_close(p) < 0 ? -1 : parse_end(p);
}

enum reply cmd_create(struct session *s, struct parse *p)
{
	struct string arg;
	const char *why, *unsupported, *name;
	unsigned uses;
	if (parse_sp(p) < 0 || parse_astring(p, &arg) < 0 ||
	    create_params(p, &uses, &unsupported) < 0)
		return REPLY_BAD;
	/* §6.3.3: a trailing delimiter only declares intent */
	if (arg.len > 1 && arg.s[arg.len - 1] == FOLDER_DELIMITER)
		arg.s[--arg.len] = '\0';
	enum reply rc = mailbox_name_in(s, p, &arg, &name);
	if (rc != REPLY_OK)
		return rc;
	if (folder_name_check(name, &why) < 0)
		return reply_set(s, REPLY_NO, "CANNOT", "%s", why);
	if (folder_is_inbox(name) || folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "ALREADYEXISTS",
				 "Mailbox already exists");
	if (unsupported)        /* RFC 6154 §3: nothing is created */
		return reply_set(s, REPLY_NO, "USEATTR", "%s%snot supported",
				 unsupported, *unsupported ? " " :
				 "Special use ");
	if (folder_make_path(&s->store, name) < 0) {
		log_event("event=create-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot create mailbox");
	}
	if (uses && store_special_use_set(&s->store, name, uses) < 0) {
		log_event("event=create-error what=special-use errno=%d", errno);
		store_folder_delete(&s->store, name);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot create mailbox");
	}
	return REPLY_OK;
}

/* §6.3.4: inferiors stay (their parent then shows as \Noselect). */
enum reply cmd_delete(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
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
	if (store_folder_delete(&s->store, name) < 0) {
		log_event("event=delete-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot delete mailbox");
	}
	/* the rule (as Dovecot): a deleted folder leaves the
	 * subscriptions; its inferiors, which stay, keep theirs */
	if (subscriptions_change(s->maildir, name, 0) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	return REPLY_OK;
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
	const char *d = strrchr(to, FOLDER_DELIMITER);
	if (d && !folder_is_inbox(from)) {
		snprintf(parent, sizeof parent, "%.*s", (int)(d - to), to);
		if (strncmp(parent, from, strlen(from)) &&
		    folder_make_path(&s->store, parent) < 0 && errno != EEXIST)
			return reply_set(s, REPLY_NO, "SERVERBUG",
					 "Cannot create parent");
	}
	if (store_folder_rename(&s->store, from, to) < 0) {
		log_event("event=rename-error errno=%d", errno);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 folder_is_inbox(from) ? "Cannot rename INBOX" :
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
