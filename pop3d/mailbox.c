/* mailbox.c - the inbox as one POP3 session sees it: see mailbox.h. */
#include "mailbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "log.h"
#include "stream.h"

void mailbox_init(struct mailbox *mb)
{
	memset(mb, 0, sizeof *mb);
	mb->store.rootfd = -1;
}

/* The POP3 state of the folder's messages: at most POP3_MESSAGES_MAX
 * (the rest is served once these are gone). 0, or -1 with errno. */
static int list_messages(struct mailbox *mb)
{
	struct store_folder *f = mb->folder;

	mb->count = f->count;
	if (mb->count > POP3_MESSAGES_MAX) {
		log_event("event=mailbox-truncated listed=%d", POP3_MESSAGES_MAX);
		mb->count = POP3_MESSAGES_MAX;
	}
	mb->messages = calloc(mb->count + 1, sizeof *mb->messages);
	if (mb->messages == NULL)
		return -1;
	for (size_t i = 0; i < mb->count; i++) {
		/* ",W=" is the size with CRLF line ends: what we send */
		if (f->msgs[i].size_crlf >= 0) {
			mb->messages[i].size = (uint64_t)f->msgs[i].size_crlf;
			mb->messages[i].flags = MESSAGE_SIZE_KNOWN;
		}
	}
	return 0;
}

enum mailbox_status mailbox_open(struct mailbox *mb, const char *dir)
{
	enum mailbox_status st = MAILBOX_OK;

	if (store_open(&mb->store, dir) < 0) {
		mb->store.rootfd = -1;
		return MAILBOX_ERROR;
	}
	mb->folder = store_folder_open(&mb->store, "INBOX",
				       STORE_POP3 | STORE_TAKE_NEW);
	if (mb->folder == NULL)
		st = errno == EWOULDBLOCK ? MAILBOX_IN_USE : MAILBOX_ERROR;
	else if (list_messages(mb) < 0)
		st = MAILBOX_ERROR;
	if (st != MAILBOX_OK) {
		int saved = errno;

		mailbox_close(mb);
		errno = saved;
	}
	return st;
}

int mailbox_message_open(struct mailbox *mb, size_t i)
{
	return store_message_open(mb->folder, i);
}

int mailbox_message_size_fd(struct mailbox *mb, size_t i, int fd,
			    uint64_t *size)
{
	struct message *m = &mb->messages[i];

	if (!(m->flags & MESSAGE_SIZE_KNOWN)) {
		if (message_stream(fd, NULL, -1, &m->size) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0)
			return -1;
		m->flags |= MESSAGE_SIZE_KNOWN | MESSAGE_SIZE_LEARNED;
	}
	*size = m->size;
	return 0;
}

int mailbox_message_size(struct mailbox *mb, size_t i, uint64_t *size)
{
	int fd, r, saved;

	if (mb->messages[i].flags & MESSAGE_SIZE_KNOWN) {
		*size = mb->messages[i].size;
		return 0;
	}
	fd = mailbox_message_open(mb, i);
	if (fd < 0)
		return -1;
	r = mailbox_message_size_fd(mb, i, fd, size);
	saved = errno;
	if (close(fd) < 0 && r == 0)
		return -1;
	errno = saved;
	return r;
}

/* FNV-1a, 64 bits, from a given offset basis. */
static uint64_t fnv1a(const char *s, size_t n, uint64_t h)
{
	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

const char *mailbox_unique_id(const struct mailbox *mb, size_t i, char *buf)
{
	const char *name = mb->folder->msgs[i].unique;
	size_t n = strlen(name), k;
	int ok = n >= 1 && n <= POP3_UNIQUE_ID_MAX;

	for (k = 0; ok && k < n; k++)
		ok = name[k] >= 0x21 && name[k] <= 0x7e;
	if (ok) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		return buf;
	}
	snprintf(buf, POP3_UNIQUE_ID_MAX + 1, "H%016" PRIx64 "%016" PRIx64,
		 fnv1a(name, n, 0xcbf29ce484222325ULL),
		 fnv1a(name, n, 0x84222325cbf29ce4ULL));
	return buf;
}

/* The indexes of the messages whose flags & mask are want into idx.
 * Returns how many. */
static size_t pick(const struct mailbox *mb, unsigned mask, unsigned want,
		   size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < mb->count; i++)
		if ((mb->messages[i].flags & mask) == want)
			idx[n++] = i;
	return n;
}

/* Give the store the sizes this session computed (before UPDATE
 * removes messages from the view: the indexes are the view's). */
static void save_sizes(struct mailbox *mb)
{
	size_t *idx = malloc((mb->count + 1) * sizeof *idx), n = 0;
	long long *sizes = malloc((mb->count + 1) * sizeof *sizes);

	for (size_t i = 0; idx && sizes && i < mb->count; i++) {
		struct message *m = &mb->messages[i];

		if ((m->flags & (MESSAGE_SIZE_LEARNED | MESSAGE_DELETED)) ==
		    MESSAGE_SIZE_LEARNED) {
			m->flags &= ~(unsigned)MESSAGE_SIZE_LEARNED;
			idx[n] = i;
			sizes[n++] = (long long)m->size;
		}
	}
	if (n > 0 && store_set_sizes(mb->folder, idx, sizes, n) < 0)
		log_event("event=size-record-failed errno=%d", errno);
	free(idx);
	free(sizes);
}

size_t mailbox_update(struct mailbox *mb)
{
	struct store_changes ch;
	size_t *idx = malloc((mb->count + 1) * sizeof *idx), n;
	long failed;

	if (idx == NULL) {
		log_event("event=update-failed errno=%d", errno);
		return mb->deleted;
	}
	save_sizes(mb);
	/* first the Seen flag: the removal takes messages out of the view */
	n = pick(mb, MESSAGE_RETRIEVED | MESSAGE_DELETED, MESSAGE_RETRIEVED, idx);
	if (n > 0 && store_set_flags(mb->folder, idx, n, STORE_FLAGS_ADD,
				     STORE_SEEN, 0, NULL, NULL) < 0)
		log_event("event=seen-failed errno=%d", errno);
	n = pick(mb, MESSAGE_DELETED, MESSAGE_DELETED, idx);
	failed = n > 0 ? store_remove(mb->folder, idx, n, &ch) : 0;
	if (failed < 0) {
		log_event("event=delete-failed errno=%d", errno);
		failed = (long)n;
	} else if (n > 0) {
		store_changes_free(&ch);
	}
	free(idx);
	return (size_t)failed;
}

void mailbox_close(struct mailbox *mb)
{
	if (mb->folder != NULL && mb->messages != NULL)
		save_sizes(mb); /* a session that did not QUIT: only sizes */
	store_folder_close(mb->folder);         /* releases the POP3 lock */
	if (mb->store.rootfd >= 0)
		store_close(&mb->store);
	free(mb->messages);
	mailbox_init(mb);
}
