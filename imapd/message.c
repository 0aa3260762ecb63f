/* message.c - message text for FETCH. See message.h. */
#include "message.h"
#include "limits.h"
#include "mime_encoding.h"
#include "output.h"
#include "store.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Read up to n octets (EINTR retried): the count, 0 at the end, -1. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

int message_wire_size(int fd, size_t *size)
{
	static char buf[IMAP_STREAM_CHUNK];
	char prev = 0;
	ssize_t r;
	*size = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((r = read_some(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] == '\n' && (i ? buf[i - 1] : prev) != '\r')
				(*size)++;
		*size += (size_t)r;
		prev = buf[r - 1];
	}
	return r < 0 ? -1 : 0;
}

void wire_writer_init(struct wire_writer *w, struct output *out, int crlf,
		      size_t from, size_t end)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->crlf = crlf;
	w->from = from;
	w->end = end;
}

void wire_writer_init_upload(struct wire_writer *w, struct store_upload *up,
			     int crlf, size_t from, size_t end)
{
	wire_writer_init(w, NULL, crlf, from, end);
	w->up = up;
}

/* Send what of buf[0..k), the octets [at, at + k), lies in [from, end). */
static int wire_send(struct wire_writer *w, const char *buf, size_t k)
{
	size_t lo = w->from > w->at ? w->from - w->at : 0;
	size_t hi = w->end > w->at ? w->end - w->at : 0;
	if (hi > k)
		hi = k;
	if (lo < hi && memchr(buf + lo, '\0', hi - lo))
		w->nul = 1;
	w->at += k;
	if (lo < hi && w->out && output_write(w->out, buf + lo, hi - lo) < 0)
		return -1;
	if (lo < hi && w->up && store_upload_write(w->up, buf + lo, hi - lo) < 0)
		return -1;
	return 0;
}

int wire_piece(void *ctx, const char *p, size_t n)
{
	struct wire_writer *w = ctx;
	static char buf[2 * IMAP_STREAM_CHUNK];
	size_t i = 0;
	while (i < n) {
		size_t take = n - i > IMAP_STREAM_CHUNK ? IMAP_STREAM_CHUNK : n - i;
		int r = w->crlf ? wire_send(w, buf, mime_crlf_piece(&w->prev,
						p + i, take, buf))
				: wire_send(w, p + i, take);
		i += take;
		if (r < 0)
			return -1;
		if ((w->out || w->up) && w->at >= w->end)
			return 1;
	}
	return 0;
}

void format_date_time(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "01-Jan-1970 00:00:00 +0000");
		return;
	}
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, size, "%02d-%s-%04d %02d:%02d:%02d %c%02ld%02ld",
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, sign, off / 60, off % 60);
}

/* date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time
 * SP zone DQUOTE; date-day-fixed = (SP DIGIT) / 2DIGIT. */
int parse_date_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	char mon[4], sign;
	int day, year, h, m, sec, zone, n = 0;
	if (strlen(s) != 26 || !(isdigit((unsigned char)s[1])) ||
	    (s[0] != ' ' && !isdigit((unsigned char)s[0])))
		return -1;
	if (sscanf(s, "%2d-%3c-%4d %2d:%2d:%2d %c%4d%n", &day, mon, &year, &h,
		   &m, &sec, &sign, &zone, &n) != 8 || n != 26 ||
	    (sign != '+' && sign != '-') || !isdigit((unsigned char)s[22]))
		return -1;
	mon[3] = '\0';
	int mi = -1;
	for (int i = 0; i < 12; i++)
		if (!strcasecmp(mon, months[i]))
			mi = i;
	if (mi < 0 || day < 1 || day > 31 || year < 1900 || h > 23 ||
	    m > 59 || sec > 60 || zone % 100 > 59)
		return -1;
	tm.tm_mday = day;
	tm.tm_mon = mi;
	tm.tm_year = year - 1900;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	long off = (zone / 100) * 3600L + (zone % 100) * 60L;
	*out = sign == '+' ? t - off : t + off;
	return 0;
}
