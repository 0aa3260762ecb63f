/* mime_date.h - the Date: field (RFC 5322 §3.3, obsolete forms of §4.3)
 * for SEARCH SENTBEFORE/SENTON/SENTSINCE and sorting. */
#ifndef POSTERN_MIME_DATE_H
#define POSTERN_MIME_DATE_H
#include <stddef.h>
#include <time.h>

struct mime_date {
	int year, month, day;           /* as written: 4-digit year, 1-12, 1-31 */
	int hour, minute, second;
	int zone;                       /* minutes east of UTC */
};

/* Parse a date-time s[0..n), tolerant of what mail carries: optional or
 * misspelt day of week, comments, 2- and 3-digit years (§4.3: < 50 is
 * 20xx, else 19xx), missing seconds or time, zone names (UT, GMT, EST,
 * EDT, CST, CDT, MST, MDT, PST, PDT; military letters and unknown names
 * as +0000), "1-Jan-2020" dashes and asctime order ("Jan 1 10:00 2020").
 * Returns 0 with *d set, or -1 (no day, month or year found, or a value
 * out of range) with *d unchanged. */
int mime_date_parse(const char *s, size_t n, struct mime_date *d);

/* The first Date: field of header section h[0..n), parsed as above.
 * 0, or -1 when there is none or it does not parse. */
int mime_date_header(const char *h, size_t n, struct mime_date *d);

/* The instant d names, as seconds since the epoch (UTC). */
time_t mime_date_time(const struct mime_date *d);

/* Days since 1970-01-01 of the date as written, time and zone
 * disregarded, as SENTBEFORE/SENTON/SENTSINCE compare (RFC 3501 §6.4.4). */
long mime_date_days(const struct mime_date *d);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
long mime_days_from_civil(int year, int month, int day);

#endif
