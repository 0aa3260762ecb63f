/* command.c - reading one IMAP command from its lines and literals.
 * RFC 3501 §2.2.1 / §4.3 (literals), RFC 7888 (LITERAL+). */
#include "command.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd.h"
#include "limits.h"
#include "log.h"

/* One line of a command; static: a 64 KB stack frame is unkind. */
static char line[IMAP_COMMAND_MAX + 1];

struct assembly {
	struct session *s;
	struct bytes *buf;
	size_t text;            /* octets of command text so far */
	uint64_t literals;      /* octets of literals so far */
	uint64_t limit;         /* bound on literals for this command */
	uint64_t held;          /* octets of literals in buf */
	int append;             /* an APPEND: big literals are streamed */
	int first;              /* still on the first line */
	int binary;             /* the literal being read is a literal8 */
	const char *why;        /* set once the command is refused */
	enum command_status refused;
};

/* Does the line end in "{n}" or "{n+}" (or RFC 3516's literal8
 * "~{n}")? Sets *n (capped), *sync and *binary. */
static int literal_marker(const char *l, size_t len, uint64_t *n, int *sync,
			  int *binary)
{
	if (len < 3 || l[len - 1] != '}')
		return 0;
	size_t i = len - 1;
	*sync = 1;
	if (l[i - 1] == '+') {
		*sync = 0;
		i--;
	}
	size_t end = i;
	while (i > 0 && l[i - 1] >= '0' && l[i - 1] <= '9')
		i--;
	if (i == end || i == 0 || l[i - 1] != '{')
		return 0;
	*binary = i >= 2 && l[i - 2] == '~';
	uint64_t v = 0;
	for (size_t k = i; k < end; k++) {
		v = v * 10 + (uint64_t)(l[k] - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX + (uint64_t)1;   /* too big anyway */
	}
	*n = v;
	return 1;
}

/* The bound on literals: "maxsize" for APPEND once logged in, else
 * IMAP_LITERAL_MAX. The verb is the second word of the first line. */
static uint64_t literal_limit(struct session *s, const char *l, size_t len,
			      int *append)
{
	const char *sp = memchr(l, ' ', len);
	*append = 0;
	if (!sp || !(s->state & STATES_AUTHED))
		return IMAP_LITERAL_MAX;
	size_t rest = len - (size_t)(sp + 1 - l);
	if (rest >= 7 && !strncasecmp(sp + 1, "APPEND ", 7)) {
		*append = 1;
		return (uint64_t)session_maxsize(s);
	}
	return IMAP_LITERAL_MAX;
}

void command_uploads_clear(struct session *s)
{
	for (size_t i = 0; i < s->nuploads; i++)
		store_upload_abort(&s->uploads[i].up);
	s->nuploads = 0;
}

/* A new upload for a literal whose octets would start at buf offset at:
 * the entry, or NULL. */
static struct store_upload *upload_new(struct session *s, size_t at)
{
	if (s->nuploads == s->capuploads) {
		size_t cap = s->capuploads ? s->capuploads * 2 : 4;
		if (cap > IMAP_MULTIAPPEND_MAX + 1)
			return NULL;    /* append_args refuses more anyway */
		void *v = realloc(s->uploads, cap * sizeof *s->uploads);
		if (!v)
			return NULL;
		s->uploads = v;
		s->capuploads = cap;
	}
	struct parse_upload *u = &s->uploads[s->nuploads];
	if (store_upload_begin(&s->store, &u->up) < 0)
		return NULL;
	u->at = at;
	s->nuploads++;
	return &u->up;
}

static void refuse(struct assembly *a, enum command_status st,
		   const char *why)
{
	if (!a->why) {
		a->why = why;
		a->refused = st;
	}
}

/* Read a literal of n octets into the buffer, then a NUL; or, for an
 * APPEND over the budget, into an upload (command.h). */
static enum command_status take_literal(struct assembly *a, uint64_t n)
{
	char chunk[8192];
	struct store_upload *up = NULL;
	if (bytes_append(a->buf, "\r\n", 2) < 0)
		return COMMAND_ERROR;
	if (a->append && a->held + n > IMAP_LITERAL_MAX &&
	    !(up = upload_new(a->s, a->buf->len))) {
		log_event("event=append-error errno=%d", errno);
		refuse(a, COMMAND_NOSPACE, "Cannot save message");
	}
	if (!up)
		a->held += n;
	while (n > 0) {
		size_t k = n < sizeof chunk ? (size_t)n : sizeof chunk;
		enum input_status st = input_bytes(&a->s->in, chunk, k);
		if (st == INPUT_TIMEOUT)
			return COMMAND_TIMEOUT;
		if (st != INPUT_OK)
			return st == INPUT_EOF ? COMMAND_EOF : COMMAND_ERROR;
		/* RFC 3516 §4.4: binary content the store cannot keep is
		 * NO [UNKNOWN-CTE]; a NUL elsewhere is bad syntax */
		if (memchr(chunk, '\0', k))
			refuse(a, a->binary ? COMMAND_BINARY : COMMAND_BAD,
			       a->binary ? "Binary content cannot be stored" :
			       "NUL in literal");
		if (a->why)
			;       /* drained */
		else if (up && store_upload_write(up, chunk, k) < 0) {
			log_event("event=append-error errno=%d", errno);
			refuse(a, COMMAND_NOSPACE, "Cannot save message");
		} else if (!up && bytes_append(a->buf, chunk, k) < 0)
			return COMMAND_ERROR;
		n -= k;
	}
	if (!a->why && up && store_upload_end(up) < 0) {
		log_event("event=append-error errno=%d", errno);
		refuse(a, COMMAND_NOSPACE, "Cannot save message");
	}
	if (!a->why && bytes_append(a->buf, "", 1) < 0)
		return COMMAND_ERROR;
	return COMMAND_OK;
}

/* Handle the literal a line announced. Returns COMMAND_OK to go on
 * reading lines, or a status that ends the command. */
static enum command_status literal(struct assembly *a, uint64_t n, int sync)
{
	if (!a->why && a->literals + n > a->limit)
		refuse(a, COMMAND_TOOBIG, "Literal too big");
	if (a->why) {
		if (sync)       /* no "+": the client sends no literal */
			return a->refused;
		enum input_status st = input_skip(&a->s->in, (size_t)n);
		if (st == INPUT_OK)
			return COMMAND_OK;
		return st == INPUT_TIMEOUT ? COMMAND_TIMEOUT :
		       st == INPUT_EOF ? COMMAND_EOF : COMMAND_ERROR;
	}
	a->literals += n;
	if (sync) {
		output_str(&a->s->out, "+ Ready for literal data\r\n");
		if (output_flush(&a->s->out) < 0)
			return COMMAND_ERROR;
	}
	return take_literal(a, n);
}

static enum command_status one_line(struct assembly *a, int *more)
{
	size_t len;
	int flags;
	*more = 0;
	enum input_status st = input_line(&a->s->in, line, sizeof line, &len,
					  &flags);
	if (st == INPUT_TIMEOUT)
		return COMMAND_TIMEOUT;
	if (st == INPUT_EOF)
		return COMMAND_EOF;
	if (st == INPUT_ERROR)
		return COMMAND_ERROR;
	if (st == INPUT_TOO_LONG) {
		refuse(a, COMMAND_BAD, "Command line too long");
		return a->refused;
	}
	if (a->first) {
		a->limit = literal_limit(a->s, line, len, &a->append);
		a->first = 0;
	}
	if (flags & INPUT_NUL)
		refuse(a, COMMAND_BAD, "NUL in command");
	else if (a->text + len > IMAP_COMMAND_MAX)
		refuse(a, COMMAND_BAD, "Command too long");
	if (!a->why || a->buf->len == 0) {
		size_t keep = a->why ? IMAP_TAG_MAX + 1 : len;
		if (keep > len)
			keep = len;
		if (flags & INPUT_NUL)
			keep = strnlen(line, keep);
		if (bytes_append(a->buf, line, keep) < 0)
			return COMMAND_ERROR;
	}
	a->text += len;
	uint64_t n;
	int sync;
	if (!literal_marker(line, len, &n, &sync, &a->binary))
		return a->why ? a->refused : COMMAND_OK;
	*more = 1;
	return literal(a, n, sync);
}

enum command_status command_read(struct session *s, struct bytes *buf,
				  const char **why)
{
	struct assembly a = { .s = s, .buf = buf, .first = 1,
			      .limit = IMAP_LITERAL_MAX };
	bytes_clear(buf);
	command_uploads_clear(s);
	for (;;) {
		int more;
		enum command_status st = one_line(&a, &more);
		if (st != COMMAND_OK || !more) {
			*why = a.why;
			return st;
		}
	}
}

void command_tag(const struct bytes *buf, char *tag, size_t size)
{
	size_t i = 0;
	while (i < buf->len && i + 1 < size) {
		int c = (unsigned char)buf->data[i];
		if (c == '+' || !(is_atom_char(c) || c == ']'))
			break;
		i++;
	}
	if (i == 0 || (i < buf->len && buf->data[i] != ' ') || i + 1 >= size) {
		tag[0] = '\0';
		return;
	}
	memcpy(tag, buf->data, i);
	tag[i] = '\0';
}
