/* msgtext.c - RFC 5322 helpers (msgtext.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "msgtext.h"

int msgtext_date(char *buf, size_t size, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char zone[8];
	if (!localtime_r(&t, &tm) || strftime(zone, sizeof zone, "%z", &tm) == 0)
		return -1;
	int n = snprintf(buf, size, "%s, %d %s %d %02d:%02d:%02d %s",
			 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
			 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int msgtext_read_header(int fd, off_t offset, size_t max, struct bytes *out)
{
	char buf[8192];
	int bol = 1;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf, offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++) {
			if (bol && buf[i] == '\n')
				return 0;       /* the blank line: the body follows */
			if (out->len + 1 > max) {
				/* cut back to the last whole line */
				size_t keep = out->len;
				while (keep > 0 && out->data[keep - 1] != '\n')
					keep--;
				bytes_truncate(out, keep);
				return 0;
			}
			if (bytes_append_char(out, buf[i]) < 0)
				return -1;
			bol = buf[i] == '\n';
		}
		offset += n;
	}
}

int msgtext_has_field(const char *header, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = header, *end = header + len;
	while (p < end) {
		if ((size_t)(end - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':')
			return 1;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

int msgtext_read_all(int fd, off_t offset, size_t max, struct bytes *out)
{
	char buf[65536];
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf, offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > max) {
			size_t keep = max - out->len;
			while (keep > 0 && buf[keep - 1] != '\n')
				keep--;
			return bytes_append(out, buf, keep);
		}
		if (bytes_append(out, buf, (size_t)n) < 0)
			return -1;
		offset += n;
	}
}
