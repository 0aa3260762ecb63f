/* folder.h - IMAP mailbox names on Maildir++ folders, their
 * SPECIAL-USE attributes and the subscription list: shared by imapd and
 * httpd (JMAP Mailbox/set makes, renames and subscribes folders too).
 *
 * The hierarchy delimiter is '.', Maildir++'s own: IMAP "Work.Reports" is
 * the directory ".Work.Reports" in the user's Maildir, INBOX the Maildir
 * itself. Names are modified UTF-7 (RFC 3501 §5.1.3), stored as sent. */
#ifndef POSTERN_FOLDER_H
#define POSTERN_FOLDER_H
#include <stddef.h>

#define FOLDER_DELIMITER '.'

/* Is name a mailbox name postern accepts? Printable 7-bit ASCII, valid
 * modified UTF-7, no '/', no wildcard, no empty level ("..", a leading
 * or trailing '.'), at most IMAP_MAILBOX_NAME_MAX octets. Returns 0, or
 * -1 with *why set to a message safe to send. */
int folder_name_check(const char *name, const char **why);

/* Is name INBOX (ASCII case ignored, §5.1)? */
int folder_is_inbox(const char *name);

/* The canonical form: "INBOX" for any case of it, else name as is. */
const char *folder_canonical(const char *name);

/* The folder's directory into buf: maildir for INBOX, maildir/.NAME
 * otherwise. name must have passed folder_name_check. 0 or -1. */
int folder_dir(const char *maildir, const char *name, char *buf,
	       size_t size);

/* Does the folder exist (its directory holds cur/)? 1 / 0. */
int folder_exists(const char *maildir, const char *name);

/* SPECIAL-USE (RFC 6154): the attribute of a folder ("\\Sent"...), or
 * NULL. (special_use.c) */
const char *special_use_attr(const char *name);

/* The special-use attributes of the existing folder name into buf
 * ("\\Drafts \\Sent"): those recorded by CREATE (USE ...) (RFC 6154
 * §3, store.h), else special_use_attr's. 1 when there are any, 0 none.
 * (special_use.c) */
struct store;
int special_use_attrs(struct store *st, const char *name, char *buf,
		      size_t size);

/* At a login into a Maildir without a "subscriptions" file (a first
 * login): subscribe INBOX, create the folders Sent, Drafts, Trash, Junk
 * and Archive that are missing and subscribe them. 0 or -1.
 * (special_use.c) */
struct store;
int special_use_create(struct store *st);

/* The folders of a Maildir, sorted, with INBOX first. */
struct folder_entry {
	char *name;
	int exists;             /* 0: only implied by a child (\Noselect) */
	int children;           /* some other folder lies below it */
};
struct folder_list {
	size_t count;
	struct folder_entry *v;
};

/* Every folder of maildir plus the parents that only children imply.
 * extra (may be NULL, count n) adds names that need not exist, marked
 * exists = 0 when they do not. With maildir NULL only extra is listed
 * (LSUB: the subscriptions), each marked exists = 1, implied parents 0.
 * 0 or -1. */
int folder_list_read(const char *maildir, char **extra, size_t n,
		     struct folder_list *out);
void folder_list_free(struct folder_list *list);

/* LIST pattern matching (§6.3.8): '*' matches anything, '%' anything but
 * the delimiter. INBOX matches without regard to case. 1 or 0. */
int folder_match(const char *pattern, const char *name);

/* Subscriptions: the file "subscriptions" in the Maildir root, one name a
 * line (Dovecot's format), replaced atomically under a lock. */
int subscriptions_read(const char *maildir, char ***names, size_t *count);
void subscriptions_free(char **names, size_t count);
/* Add (on = 1) or remove a name. 0 or -1. */
int subscriptions_change(const char *maildir, const char *name, int on);
/* RENAME carries the subscriptions: "from" and the names below it
 * ("from.x") become "to" and "to.x". 0 or -1. */
int subscriptions_rename(const char *maildir, const char *from,
			 const char *to);

#endif
