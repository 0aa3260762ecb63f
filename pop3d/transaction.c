/* transaction.c - the TRANSACTION state commands (RFC 1939 §5, §7). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "session.h"
#include "stream.h"

/* Split args at single spaces into at most max fields. Returns the number
 * of fields, or -1 for more than max, an empty field (two spaces, a
 * leading or trailing space) or a field over POP3_ARGUMENT_MAX. */
static int split_args(char *args, char **argv, int max)
{
	int n = 0;
	char *p = args;

	if (*p == '\0')
		return 0;
	for (;;) {
		char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);

		if (len == 0 || len > POP3_ARGUMENT_MAX || n == max)
			return -1;
		argv[n++] = p;
		if (sp == NULL)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/* A decimal number of digits only (no sign, no space). 0, or -1. */
static int parse_number(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (ULONG_MAX - 9) / 10)
			v = ULONG_MAX;          /* saturate: out of any range */
		else
			v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

/* A message-number argument: *index gets it 0-based. REPLY_OK, or the
 * error reply: malformed, out of range, or marked deleted (§5: "may NOT
 * refer to a message marked as deleted"). */
static enum reply message_arg(struct session *s, const char *arg, size_t *index)
{
	unsigned long n;

	if (parse_number(arg, &n) < 0)
		return REPLY_SYNTAX;
	if (n == 0 || n > s->box.count)
		return REPLY_NO_MESSAGE;
	if (s->box.messages[n - 1].flags & MESSAGE_DELETED)
		return REPLY_DELETED;
	*index = n - 1;
	return REPLY_OK;
}

/* The one message-number argument of RETR, DELE and friends. */
static enum reply one_message(struct session *s, char *args, size_t *index)
{
	char *argv[1];

	if (split_args(args, argv, 1) != 1)
		return REPLY_SYNTAX;
	return message_arg(s, argv[0], index);
}

/* Size of message i; a vanished file is REPLY_VANISHED. */
static enum reply size_of(struct session *s, size_t i, uint64_t *size)
{
	if (mailbox_message_size(&s->box, i, size) == 0)
		return REPLY_OK;
	if (errno == ENOENT)
		return REPLY_VANISHED;
	log_event("event=read-failed message=%zu errno=%d", i + 1, errno);
	return REPLY_TEMPORARY;
}

enum reply command_stat(struct session *s, char *args)
{
	uint64_t total = 0, size;
	size_t i;

	if (*args)
		return REPLY_SYNTAX;
	for (i = 0; i < s->box.count; i++) {
		enum reply r;

		if (s->box.messages[i].flags & MESSAGE_DELETED)
			continue;
		r = size_of(s, i, &size);
		if (r == REPLY_TEMPORARY)
			return r;
		total += r == REPLY_OK ? size : 0;
	}
	return reply_line(s, "+OK %zu %" PRIu64, s->box.count - s->box.deleted,
			  total) < 0 ? REPLY_FATAL : REPLY_DONE;
}

enum reply command_list(struct session *s, char *args)
{
	uint64_t size;
	size_t i;
	enum reply r;

	if (*args) {
		if ((r = one_message(s, args, &i)) != REPLY_OK ||
		    (r = size_of(s, i, &size)) != REPLY_OK)
			return r;
		return reply_line(s, "+OK %zu %" PRIu64, i + 1, size) < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	if (reply_line(s, "+OK %zu messages", s->box.count - s->box.deleted) < 0)
		return REPLY_FATAL;
	for (i = 0; i < s->box.count; i++) {
		if (s->box.messages[i].flags & MESSAGE_DELETED)
			continue;
		r = size_of(s, i, &size);
		if (r == REPLY_VANISHED)
			continue;       /* gone meanwhile: not listed */
		if (r != REPLY_OK)
			size = 0;       /* unreadable now: RETR will say so */
		if (reply_line(s, "%zu %" PRIu64, i + 1, size) < 0)
			return REPLY_FATAL;
	}
	return reply_line(s, ".") < 0 ? REPLY_FATAL : REPLY_DONE;
}

/* The first line of a RETR (with the size, §11) or TOP reply. */
static enum reply first_line(struct session *s, size_t i, int fd, long body_lines)
{
	uint64_t size;

	if (body_lines >= 0)
		return reply_line(s, "+OK top of message follows") < 0 ?
			REPLY_FATAL : REPLY_OK;
	if (mailbox_message_size_fd(&s->box, i, fd, &size) < 0) {
		log_event("event=read-failed message=%zu errno=%d", i + 1, errno);
		return REPLY_TEMPORARY;
	}
	return reply_line(s, "+OK %" PRIu64 " octets", size) < 0 ?
		REPLY_FATAL : REPLY_OK;
}

/* Send message i as a multi-line reply: the whole of it (body_lines < 0)
 * or its header and body_lines lines of its body (TOP). */
static enum reply send_message(struct session *s, size_t i, long body_lines)
{
	int fd = mailbox_message_open(&s->box, i);
	enum reply r;

	if (fd < 0)
		return errno == ENOENT ? REPLY_VANISHED : REPLY_TEMPORARY;
	r = first_line(s, i, fd, body_lines);
	if (r == REPLY_OK) {
		r = REPLY_DONE;
		if (message_stream(fd, &s->out, body_lines, NULL) < 0) {
			/* Half a message is on the wire: no reply can follow. */
			if (!s->out.error)
				log_event("event=read-failed message=%zu errno=%d",
					  i + 1, errno);
			r = REPLY_FATAL;
		} else if (reply_line(s, ".") < 0) {
			r = REPLY_FATAL;
		}
	}
	if (close(fd) < 0 && r == REPLY_DONE)
		r = REPLY_FATAL;
	return r;
}

enum reply command_retr(struct session *s, char *args)
{
	size_t i;
	enum reply r = one_message(s, args, &i);

	if (r != REPLY_OK)
		return r;
	r = send_message(s, i, -1);
	if (r == REPLY_DONE) {
		s->box.messages[i].flags |= MESSAGE_RETRIEVED;
		s->retrieved++;
	}
	return r;
}

enum reply command_top(struct session *s, char *args)
{
	char *argv[2];
	unsigned long lines;
	size_t i;
	enum reply r;

	if (split_args(args, argv, 2) != 2 || parse_number(argv[1], &lines) < 0)
		return REPLY_SYNTAX;
	if ((r = message_arg(s, argv[0], &i)) != REPLY_OK)
		return r;
	return send_message(s, i, lines > LONG_MAX ? LONG_MAX : (long)lines);
}

enum reply command_dele(struct session *s, char *args)
{
	size_t i;
	enum reply r = one_message(s, args, &i);

	if (r != REPLY_OK)
		return r;
	s->box.messages[i].flags |= MESSAGE_DELETED;
	s->box.deleted++;
	return reply_line(s, "+OK message %zu deleted", i + 1) < 0 ?
		REPLY_FATAL : REPLY_DONE;
}

enum reply command_noop(struct session *s, char *args)
{
	(void)s;
	return *args ? REPLY_SYNTAX : REPLY_OK;
}

enum reply command_rset(struct session *s, char *args)
{
	size_t i;

	if (*args)
		return REPLY_SYNTAX;
	for (i = 0; i < s->box.count; i++)
		s->box.messages[i].flags &= ~(unsigned)MESSAGE_DELETED;
	s->box.deleted = 0;
	return reply_line(s, "+OK %zu messages", s->box.count) < 0 ?
		REPLY_FATAL : REPLY_DONE;
}

enum reply command_uidl(struct session *s, char *args)
{
	char uid[POP3_UNIQUE_ID_MAX + 1];
	size_t i;
	enum reply r;

	if (*args) {
		if ((r = one_message(s, args, &i)) != REPLY_OK)
			return r;
		return reply_line(s, "+OK %zu %s", i + 1,
				  mailbox_unique_id(&s->box, i, uid)) < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	if (reply_line(s, "+OK unique-id listing follows") < 0)
		return REPLY_FATAL;
	for (i = 0; i < s->box.count; i++) {
		if (s->box.messages[i].flags & MESSAGE_DELETED)
			continue;
		if (reply_line(s, "%zu %s", i + 1,
			       mailbox_unique_id(&s->box, i, uid)) < 0)
			return REPLY_FATAL;
	}
	return reply_line(s, ".") < 0 ? REPLY_FATAL : REPLY_DONE;
}
