/* mime_date.c - RFC 5322 date-time, leniently. */
#include "mime_date.h"
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_header.h"

long mime_days_from_civil(int year, int month, int day)
{
	long y = year - (month <= 2);           /* H. Hinnant's algorithm */
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

time_t mime_date_time(const struct mime_date *d)
{
	long days = mime_days_from_civil(d->year, d->month, d->day);
	return (time_t)days * 86400 + d->hour * 3600 + d->minute * 60 +
	       d->second - (time_t)d->zone * 60;
}

long mime_date_days(const struct mime_date *d)
{
	return mime_days_from_civil(d->year, d->month, d->day);
}

/* One word of the date; at most 31 characters kept. */
struct word {
	char s[MIME_DATE_WORD_MAX];
	size_t len;
	int sign;               /* '+' or '-' before digits (a zone), else 0 */
};

/* The next word from s[*i..n): separators are white space, commas,
 * comments; a '-' inside a word ends it and signs the next one
 * ("1-Jan-2020" gives 1, -Jan, -2020). 0 at the end. */
static int next_word(const char *s, size_t n, size_t *i, struct word *w)
{
	int depth = 0;
	w->len = 0;
	w->sign = 0;
	for (; *i < n; (*i)++) {
		char c = s[*i];
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth > 0 || c == ' ' || c == '\t' || c == ',' ||
			 c == '\r' || c == '\n')
			;
		else
			break;
	}
	if (*i < n && (s[*i] == '+' || s[*i] == '-'))
		w->sign = s[(*i)++];
	while (*i < n && s[*i] != ' ' && s[*i] != '\t' && s[*i] != ',' &&
	       s[*i] != '(' && !(s[*i] == '-' && w->len > 0) && s[*i] != '\r' &&
	       s[*i] != '\n') {
		if (w->len + 1 < sizeof w->s)
			w->s[w->len++] = s[*i];
		(*i)++;
	}
	w->s[w->len] = '\0';
	return w->len > 0 || w->sign;
}

static int month_of(const struct word *w)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	if (w->len < 3)
		return 0;
	for (int k = 0; k < 12; k++)
		if (strncasecmp(w->s, months + 3 * k, 3) == 0)
			return k + 1;
	return 0;
}

/* A zone name in minutes east (RFC 5322 §4.3); unknown names are +0000. */
static int zone_of(const struct word *w)
{
	static const struct { const char *name; int minutes; } zones[] = {
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
		{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	};
	for (size_t k = 0; k < sizeof zones / sizeof zones[0]; k++)
		if (strcasecmp(w->s, zones[k].name) == 0)
			return zones[k].minutes;
	return 0;
}

/* "hh:mm[:ss]" into d. 0 or -1. */
static int parse_time(const char *s, struct mime_date *d)
{
	int v[3] = { 0, 0, 0 }, k = 0, digits = 0;
	for (; *s && k < 3; s++) {
		if (*s == ':') {
			if (digits == 0)
				return -1;
			k++, digits = 0;
		} else if (*s >= '0' && *s <= '9' && digits < 2) {
			v[k] = v[k] * 10 + (*s - '0'), digits++;
		} else {
			return -1;
		}
	}
	if (k < 1 || digits == 0 || v[0] > 23 || v[1] > 59 || v[2] > 60)
		return -1;
	d->hour = v[0], d->minute = v[1], d->second = v[2] == 60 ? 59 : v[2];
	return 0;
}

static int all_digits(const struct word *w)
{
	if (w->len == 0)
		return 0;
	for (size_t k = 0; k < w->len; k++)
		if (w->s[k] < '0' || w->s[k] > '9')
			return 0;
	return 1;
}

/* A number: a day, a year, or (signed, after the year) a zone. */
static void number(const struct word *w, struct mime_date *d, int *have_day,
		   int *have_year, int *have_zone)
{
	long v = 0;
	for (size_t k = 0; k < w->len && k < 9; k++)
		v = v * 10 + (w->s[k] - '0');
	if (w->sign && *have_year && !*have_zone && w->len == 4) {
		d->zone = (int)(v / 100 * 60 + v % 100) * (w->sign == '-' ? -1 : 1);
		*have_zone = 1;
	} else if (w->len <= 2 && !*have_day) {
		d->day = (int)v;
		*have_day = 1;
	} else if (!*have_year) {
		d->year = (int)(w->len <= 2 && v < 50 ? v + 2000
				: w->len <= 3 ? v + 1900 : v);
		*have_year = 1;
	}
}

int mime_date_parse(const char *s, size_t n, struct mime_date *d)
{
	struct mime_date r = { 0, 0, 0, 0, 0, 0, 0 };
	int have_day = 0, have_year = 0, have_zone = 0, have_time = 0;
	struct word w;
	size_t i = 0;
	while (next_word(s, n, &i, &w)) {
		if (strchr(w.s, ':')) {
			if (have_time || parse_time(w.s, &r) < 0)
				return -1;
			have_time = 1;
		} else if (all_digits(&w)) {
			number(&w, &r, &have_day, &have_year, &have_zone);
		} else if (!r.month && month_of(&w)) {
			r.month = month_of(&w);
		} else if (have_time && !have_zone && w.len > 0) {
			r.zone = zone_of(&w);
			have_zone = 1;
		}
	}
	if (!have_day || !have_year || !r.month || r.day < 1 || r.day > 31 ||
	    r.year > 9999)
		return -1;
	*d = r;
	return 0;
}

int mime_date_header(const char *h, size_t n, struct mime_date *d)
{
	struct mime_field f;
	if (!mime_header_find(h, n, "Date", &f))
		return -1;
	return mime_date_parse(f.value, f.value_len, d);
}
