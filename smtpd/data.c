/* data.c - DATA (RFC 5321 §4.1.1.4): receive the message into the spool.
 *
 * The data ends only at CRLF.CRLF (§4.1.1.4, §2.3.8): a "." line ending
 * in a bare LF is content, so "<LF>.<LF>" can never end it (this closes
 * SMTP smuggling). Lines are dot-unstuffed (§4.5.2) and stored with LF
 * ends. Anything wrong with the message (a bare CR or LF, a NUL, a line
 * over 1000 octets, too big, too many Received: fields) is noted, the data
 * is drained to its end, the half-written file removed, and the message
 * refused. 250 is sent only after spool_commit made it durable. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "bytes.h"
#include "log.h"
#include "smtpd.h"

/* Where we are in one message. */
struct receipt {
	int in_header;          /* still in the header section */
	int received;           /* Received: fields seen in it */
	int have_date;
	int have_message_id;
	enum reply refusal;     /* the first problem found, or REPLY_OK */
	unsigned long long size;
	unsigned long long max; /* 0: no limit */
};

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

/* The fields that submission adds when the message lacks them
 * (RFC 6409 §8.2, §8.3), at the end of the header section. */
static void header_complete(struct session *s, struct receipt *m)
{
	struct bytes add;

	m->in_header = 0;
	if (!s->submission || (m->have_date && m->have_message_id))
		return;
	bytes_init(&add, 2 * SMTP_REPLY_LINE_MAX);
	if ((!m->have_date && header_date(&add) < 0) ||
	    (!m->have_message_id &&
	     header_message_id(s, writer.id, &add) < 0))
		m->refusal = REPLY_TEMPFAIL;
	else
		spool_put(&writer, add.data, add.len);
	bytes_free(&add);
}

/* Look at a line of the header section (RFC 5322 §2.2). */
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
			m->refusal = REPLY_LOOP;        /* §6.3 */
	} else if (header_is(line, len, "Date")) {
		m->have_date = 1;
	} else if (header_is(line, len, "Message-ID")) {
		m->have_message_id = 1;
	}
}

/* One text line as read: judge it, unstuff it, store it. line has room
 * for one more byte past len. */
static void data_line(struct session *s, struct receipt *m, char *line,
		      size_t len, int flags)
{
	if (flags & INPUT_NUL)
		m->refusal = REPLY_DATA_NUL;
	else if (flags & (INPUT_BARE_LF | INPUT_BARE_CR))
		m->refusal = REPLY_DATA_BARE_CR_LF;
	if (m->refusal != REPLY_OK)
		return;
	if (line[0] == '.') {           /* §4.5.2 transparency */
		line++;
		len--;
	}
	if (m->in_header)
		header_line(s, m, line, len);
	m->size += len + 1;
	if (m->max && m->size > m->max)
		m->refusal = REPLY_TOO_BIG;
	if (m->refusal != REPLY_OK)
		return;
	line[len] = '\n';
	spool_put(&writer, line, len + 1);
}

/* Read the data through CRLF.CRLF. Returns REPLY_OK or the refusal, or
 * REPLY_TIMEOUT; REPLY_SENT when the client is gone. */
static enum reply data_receive(struct session *s, struct receipt *m)
{
	char line[SMTP_TEXT_LINE_MAX + 1];
	size_t len;
	int flags, after_crlf = 1;      /* DATA itself ended in CRLF */

	for (;;) {
		switch (input_line(&s->in, line, sizeof line, &len, &flags)) {
		case INPUT_OK:
			/* Only CRLF "." CRLF ends: not "<LF>.<CRLF>" either. */
			if (len == 1 && line[0] == '.' && flags == 0 &&
			    after_crlf)
				return m->refusal;
			after_crlf = !(flags & INPUT_BARE_LF);
			data_line(s, m, line, len, flags);
			break;
		case INPUT_TOO_LONG:            /* §4.5.3.1.6 */
			after_crlf = !(flags & INPUT_BARE_LF);
			if (m->refusal == REPLY_OK)
				m->refusal = REPLY_DATA_LONG_LINE;
			break;
		case INPUT_TIMEOUT:
			log_event("event=timeout client=%s in=data",
				  s->client_ip);
			return REPLY_TIMEOUT;
		default:
			log_event("event=lost client=%s in=data", s->client_ip);
			s->state = STATE_CLOSED;
			return REPLY_SENT;
		}
	}
}

/* Start tmp/ID: the envelope, then our Received: field. */
static enum reply data_begin(struct session *s)
{
	struct bytes received;
	int r;

	if (spool_begin(&s->spool, &writer) < 0) {
		log_event("event=spool-error what=begin errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	s->env.arrival = time(NULL);
	spool_put_envelope(&writer, &s->env);
	bytes_init(&received, 4 * SMTP_REPLY_LINE_MAX);
	r = header_received(s, writer.id, &received);
	if (r == 0)
		r = spool_put(&writer, received.data, received.len);
	bytes_free(&received);
	if (r < 0 || writer.error) {
		log_event("event=spool-error what=write errno=%d",
			  writer.error ? writer.error : errno);
		spool_abort(&writer);
		return REPLY_TEMPFAIL;
	}
	return REPLY_OK;
}

/* The message is in: commit it, or say why not. */
static enum reply data_end(struct session *s, struct receipt *m,
			   enum reply r)
{
	char from[ADDRESS_PATH_MAX * 4 + 3];

	if (r != REPLY_OK) {
		spool_abort(&writer);
		if (r != REPLY_SENT)
			log_event("event=reject cmd=DATA client=%s status=%s "
				  "size=%llu", s->client_ip, reply_status(r),
				  m->size);
		return r;
	}
	if (spool_commit(&writer) < 0) {
		log_event("event=spool-error what=commit errno=%d", errno);
		return REPLY_TEMPFAIL;
	}
	reply_line(s, 250, " 2.0.0 Ok: queued as %s", writer.id);
	log_event("event=queued id=%s client=%s from=%s rcpts=%zu size=%llu%s%s",
		  writer.id, s->client_ip,
		  log_quote(s->env.sender, from, sizeof from),
		  s->env.rcpt_count, m->size, s->auth_user[0] ? " auth=" : "",
		  s->auth_user);
	s->queued++;
	if (spool_trigger(&s->spool) < 0)
		log_event("event=trigger-error errno=%d", errno);
	return REPLY_SENT;
}

enum reply cmd_data(struct session *s, char *args)
{
	struct receipt m = {1, 0, 0, 0, REPLY_OK, 0, 0};
	long maxsize;
	enum reply r;

	if (*args)
		return REPLY_SYNTAX;
	if (s->state != STATE_RCPT)
		return REPLY_NO_RCPT;   /* MAIL given, every RCPT refused */
	if (setting_get(&s->maxsize, &maxsize) < 0)
		return REPLY_CONFIG;
	m.max = (unsigned long long)maxsize;
	/* Free space was checked at MAIL; a disk that fills since makes the
	 * spool's writes fail, which answers 451 and leaves nothing. */
	r = data_begin(s);
	if (r != REPLY_OK)
		return r;
	reply_line(s, 354, " End data with <CR><LF>.<CR><LF>");
	reply_flush(s, 1);
	r = data_receive(s, &m);
	if (r == REPLY_OK && m.in_header)
		header_complete(s, &m);
	if (r == REPLY_OK && writer.error)
		r = REPLY_TEMPFAIL;
	r = data_end(s, &m, r);
	if (s->state != STATE_CLOSED)
		transaction_reset(s);
	return r;
}
