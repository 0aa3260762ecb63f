/* mail_ids.c - Email, blob and thread ids from Maildir unique names,
 * dates as RFC 3339 text, keywords as Maildir flags (see mail.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "mail.h"

static int alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

int mail_id(char prefix, const char *unique, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	if (size < 2)
		return -1;
	out[n++] = prefix;
	for (const unsigned char *c = (const unsigned char *)unique; *c; c++) {
		if (n + 4 > size)
			return -1;
		if (alnum(*c)) {
			out[n++] = (char)*c;
		} else {
			out[n++] = '_';
			out[n++] = hex[*c >> 4];
			out[n++] = hex[*c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mail_id_unique(char prefix, const char *id, char *out, size_t size)
{
	size_t n = 0;
	if (!id || id[0] != prefix || !id[1])
		return -1;
	for (const char *c = id + 1; *c; c++) {
		if (n + 1 >= size)
			return -1;
		if (*c == '_') {
			int hi = hexval(c[1]), lo = hi < 0 ? -1 : hexval(c[2]);
			if (lo < 0 || (hi == 0 && lo == 0))
				return -1;
			out[n++] = (char)(hi << 4 | lo);
			c += 2;
		} else if (alnum((unsigned char)*c)) {
			out[n++] = *c;
		} else {
			return -1;
		}
	}
	out[n] = '\0';
	return 0;
}

void mail_utc_date(time_t t, char out[32])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int mail_parse_date(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!end)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++);
	if (strcmp(end, "Z"))
		return -1;
	*out = timegm(&tm);
	return 0;
}

static const struct { unsigned flag; const char *keyword; } system_keywords[] = {
	{ STORE_SEEN, "$seen" }, { STORE_FLAGGED, "$flagged" },
	{ STORE_ANSWERED, "$answered" }, { STORE_DRAFT, "$draft" },
};

const char *mail_keyword_of_flag(unsigned flag)
{
	for (size_t i = 0; i < 4; i++)
		if (system_keywords[i].flag == flag)
			return system_keywords[i].keyword;
	return NULL;
}

unsigned mail_flag_of_keyword(const char *keyword)
{
	for (size_t i = 0; i < 4; i++)
		if (!strcasecmp(system_keywords[i].keyword, keyword))
			return system_keywords[i].flag;
	return 0;
}
