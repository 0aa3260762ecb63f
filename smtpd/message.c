/* message.c - the message of a transaction into the spool, whether it
 * comes by DATA (data.c) or in BDAT chunks (bdat.c).
 *
 * Lines are judged as they come: a NUL or a bare CR refuses the message;
 * a bare LF ends a line as CRLF does (Postfix's smtpd_forbid_bare_newline
 * = normalize) unless the control file barelf says "reject". Lines of any
 * length are stored whole, bounded only by maxsize. Anything wrong (also
 * too big, or too many Received: fields) is noted with its reason, the
 * rest of the data is read and dropped, tmp/ID removed and the message
 * refused. 250 is sent only after spool_commit made it durable. Lines are
 * stored with LF ends. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "bytes.h"
#include "log.h"
#include "smtpd.h"

/* The writer is big (its buffer); one per process, outside the stack. */
static struct spool_writer writer;

enum reply spool_space(struct session *s, long size)
{
	unsigned long long avail, need;

	if (!s->spool_ready) {
		if (spool_locate(&s->spool, NULL) < 0) {
			log_event("event=spool-error what=open errno=%d", errno);
			return REPLY_TEMPFAIL;
		}
		s->spool_ready = 1;
	}
	if (spool_free_space(&s->spool, &avail) < 0) {
		log_event("event=spool-error what=open errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	need = (unsigned long long)(size > 0 ? size : 0) + SPOOL_MIN_FREE;
	if (avail < need) {
		log_event("event=spool-full avail=%llu need=%llu", avail, need);
		return REPLY_NO_STORAGE;
	}
	return REPLY_OK;
}

static void refuse(struct receipt *m, enum reply r, const char *reason)
{
	if (m->refusal != REPLY_OK)
		return;
	m->refusal = r;
	m->reason = reason;
}

/* The fields added when the message lacks them: by submission (RFC 6409
 * §8.2, §8.3) and for trusted clients (relaynets, $RELAYCLIENT), as
 * Postfix does for local clients. At the end of the header section. */
static void header_complete(struct session *s, struct receipt *m)
{
	struct bytes add;

	m->in_header = 0;
	if (m->have_date && m->have_message_id)
		return;
	if (!s->submission && policy_trusted_client(s) != 1)
		return;
	bytes_init(&add, 2 * SMTP_REPLY_LINE_MAX);
	if ((!m->have_date && header_date(&add) < 0) ||
	    (!m->have_message_id &&
	     header_message_id(s, writer.id, &add) < 0))
		refuse(m, REPLY_TEMPFAIL, "header");
	else
		spool_put(&writer, add.data, add.len);
	bytes_free(&add);
}

/* Look at the start of a line of the header section (RFC 5322 §2.2). */
static void header_line(struct session *s, struct receipt *m,
			const char *line, size_t len)
{
	if (len == 0) {
		header_complete(s, m);
	} else if (line[0] == ' ' || line[0] == '\t') {
		return;                 /* folded continuation */
	} else if (!memchr(line, ':', len)) {
		header_complete(s, m);  /* not a field: the body began */
	} else if (header_is(line, len, "Received")) {
		if (++m->received > SMTP_RECEIVED_MAX)
			refuse(m, REPLY_LOOP, "loop");          /* §6.3 */
	} else if (header_is(line, len, "Date")) {
		m->have_date = 1;
	} else if (header_is(line, len, "Message-ID")) {
		m->have_message_id = 1;
	}
}

/* A problem with the bytes of a piece: a NUL, a bare CR, or a bare LF
 * under barelf "reject". BODY=BINARYMIME data (RFC 3030 §3) is octets,
 * not lines: nothing is a problem there. */
static void piece_check(struct session *s, struct receipt *m, int flags)
{
	if (s->env.binarymime)
		return;
	if (flags & INPUT_NUL)
		refuse(m, REPLY_DATA_NUL, "nul");
	else if (flags & INPUT_BARE_CR)
		refuse(m, REPLY_DATA_BARE_CR_LF, "bare-cr");
	else if ((flags & INPUT_BARE_LF) && s->bare_lf_reject)
		refuse(m, REPLY_DATA_BARE_CR_LF, "bare-lf");
}

void message_piece(struct session *s, char *seg, size_t len, int flags,
		   int unstuff)
{
	struct receipt *m = &s->msg;
	int bol = m->bol, eol = !(flags & INPUT_PARTIAL);

	m->bol = eol;
	m->size += len + (size_t)eol;
	piece_check(s, m, flags);
	if (m->max && m->size > m->max)
		refuse(m, REPLY_TOO_BIG, "size");
	if (m->refusal != REPLY_OK)
		return;
	/* §4.5.2 transparency. A lone "." that did not end the data (it came
	 * after or with a bare LF) is content and is kept as it is. */
	if (unstuff && bol && seg[0] == '.' && !(len == 1 && eol)) {
		seg++;
		len--;
	}
	if (bol && m->in_header)
		header_line(s, m, seg, len);
	if (m->refusal != REPLY_OK)
		return;
	if (eol)
		seg[len] = '\n';
	spool_put(&writer, seg, len + (size_t)eol);
}

enum reply message_begin(struct session *s)
{
	struct bytes received;
	long maxsize;
	int rc;

	if (setting_get(&s->maxsize, &maxsize) < 0)
		return REPLY_CONFIG;
	/* Free space was checked at MAIL; a disk that fills since makes the
	 * spool's writes fail, which answers 451 and leaves nothing. */
	if (spool_begin(&s->spool, &writer) < 0) {
		log_event("event=spool-error what=begin errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	s->msg = (struct receipt){ .open = 1, .in_header = 1, .bol = 1,
				   .refusal = REPLY_OK,
				   .max = (unsigned long long)maxsize };
	s->env.arrival = time(NULL);
	spool_put_envelope(&writer, &s->env);
	bytes_init(&received, 4 * SMTP_REPLY_LINE_MAX);
	rc = header_received(s, writer.id, &received);
	if (rc == 0)
		rc = spool_put(&writer, received.data, received.len);
	bytes_free(&received);
	if (rc < 0 || writer.error) {
		log_event("event=spool-error what=write errno=%d",
			  writer.error ? writer.error : errno);
		message_abort(s);
		return REPLY_TEMPFAIL;
	}
	return REPLY_OK;
}

void message_abort(struct session *s)
{
	if (s->msg.open)
		spool_abort(&writer);
	s->msg.open = 0;
}

/* The message is in and good: make it durable, say so. */
static enum reply message_commit(struct session *s)
{
	char from[ADDRESS_PATH_MAX * 4 + 3];

	s->msg.open = 0;
	if (spool_commit(&writer) < 0) {
		log_event("event=spool-error what=commit errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	reply_line(s, 250, " 2.0.0 Ok: queued as %s", writer.id);
	log_event("event=queued id=%s client=%s from=%s rcpts=%zu size=%llu tls=%d%s%s",
		  writer.id, s->client_ip,
		  log_quote(s->env.sender, from, sizeof from),
		  s->env.rcpt_count, s->msg.size, s->encrypted,
		  s->auth_user[0] ? " auth=" : "", s->auth_user);
	s->queued++;
	if (spool_trigger(&s->spool) < 0)
		log_event("event=trigger-error errno=%d", errno);
	return REPLY_SENT;
}

enum reply message_end(struct session *s, enum reply r)
{
	struct receipt *m = &s->msg;

	if (r == REPLY_OK && m->refusal == REPLY_OK && !m->bol)
		spool_put(&writer, "\n", 1);   /* BDAT data without a last CRLF */
	if (r == REPLY_OK && m->refusal == REPLY_OK && m->in_header)
		header_complete(s, m);
	if (r == REPLY_OK && m->refusal == REPLY_OK && writer.error)
		refuse(m, REPLY_TEMPFAIL, "write");
	if (r == REPLY_OK && m->refusal == REPLY_OK)
		return message_commit(s);
	message_abort(s);
	if (r == REPLY_OK) {
		r = m->refusal;
		log_event("event=reject cmd=DATA client=%s status=%s reason=%s "
			  "size=%llu", s->client_ip, reply_status(r), m->reason,
			  m->size);
	}
	return r;
}
