/* update.c - the UPDATE state (RFC 1939 §6): what QUIT does to the
 * Maildir. Deleted messages are unlinked, retrieved ones get the Seen
 * flag, and cur/ is synced. A file renamed meanwhile by another process
 * is found again by its unique name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "mailbox.h"

/* Remove the file of message i. 0 removed or already gone, -1 failed. */
static int remove_one(struct mailbox *mb, size_t i)
{
	char path[PATH_MAX_POSTERN];
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (mailbox_cur_path(mb, mailbox_file_name(mb, i), path, sizeof path) < 0)
			return -1;
		if (unlink(path) == 0)
			return 0;
		if (errno != ENOENT || tries > 0)
			return -1;
		if (mailbox_relocate(mb, i) < 0)
			return errno == ENOENT ? 0 : -1;
	}
	return -1;
}

/* name with the Seen flag added to its ":2," info, flags kept in ASCII
 * order as Maildir wants, into buf. 1 a new name; 0 already seen, or an
 * info other than ":2,"; -1 too long. */
static int seen_name(const char *name, char *buf, size_t size)
{
	const char *info = strchr(name, ':');
	const char *flags;
	size_t k = 0;
	int n;

	if (info == NULL) {
		n = snprintf(buf, size, "%s:2,S", name);
	} else {
		if (strncmp(info, ":2,", 3) != 0 || strchr(info + 3, 'S'))
			return 0;
		flags = info + 3;
		while (flags[k] && (unsigned char)flags[k] < 'S')
			k++;
		n = snprintf(buf, size, "%.*s:2,%.*sS%s", (int)(info - name), name,
			     (int)k, flags, flags + k);
	}
	return n < 0 || (size_t)n >= size || n > POP3_FILE_NAME_MAX ? -1 : 1;
}

/* Give message i the Seen flag (a rename in cur/). 1 renamed, 0 nothing
 * to do or the message is gone, -1 failed. */
static int mark_seen(struct mailbox *mb, size_t i)
{
	char from[PATH_MAX_POSTERN], to[PATH_MAX_POSTERN];
	char seen[POP3_FILE_NAME_MAX + 1];
	int tries, r;

	for (tries = 0; tries < 2; tries++) {
		r = seen_name(mailbox_file_name(mb, i), seen, sizeof seen);
		if (r <= 0)
			return r;
		if (mailbox_cur_path(mb, mailbox_file_name(mb, i), from, sizeof from) < 0 ||
		    mailbox_cur_path(mb, seen, to, sizeof to) < 0)
			return -1;
		if (rename(from, to) == 0)
			return mailbox_file_renamed(mb, i, seen) < 0 ? -1 : 1;
		if (errno != ENOENT || tries > 0)
			return -1;
		if (mailbox_relocate(mb, i) < 0)
			return errno == ENOENT ? 0 : -1;
	}
	return -1;
}

/* Messages RETRieved and kept get the Seen flag, as an IMAP client
 * would set it. Returns how many files were renamed. */
static size_t mark_retrieved_seen(struct mailbox *mb)
{
	size_t i, renamed = 0;
	int r;

	for (i = 0; i < mb->count; i++) {
		if ((mb->messages[i].flags & (MESSAGE_RETRIEVED | MESSAGE_DELETED)) !=
		    MESSAGE_RETRIEVED)
			continue;
		r = mark_seen(mb, i);
		if (r < 0)
			log_event("event=seen-failed message=%zu errno=%d", i + 1, errno);
		renamed += r > 0;
	}
	return renamed;
}

size_t mailbox_update(struct mailbox *mb)
{
	char cur[PATH_MAX_POSTERN];
	size_t i, failed = 0, removed = 0, renamed;

	for (i = 0; i < mb->count; i++) {
		if (!(mb->messages[i].flags & MESSAGE_DELETED))
			continue;
		if (remove_one(mb, i) == 0) {
			mb->messages[i].flags |= MESSAGE_REMOVED;
			mb->cache_dirty = 1;
			removed++;
		} else {
			log_event("event=delete-failed errno=%d", errno);
			failed++;
		}
	}
	renamed = mark_retrieved_seen(mb);
	/* Unlinks and renames are durable only once the directory is synced. */
	if (removed + renamed > 0 &&
	    (mailbox_cur_path(mb, "", cur, sizeof cur) < 0 || fsync_dir(cur) < 0)) {
		log_event("event=fsync-failed errno=%d", errno);
		failed += removed;
	}
	return failed;
}

