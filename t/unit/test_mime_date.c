/* test_mime_date.c - lib/mime_date: RFC 5322 §3.3 and §4.3 dates. */
#include <string.h>
#include "check.h"
#include "mime_date.h"

/* Parse s and compare every field with the expected ones. */
static int date_is(const char *s, int y, int mo, int d, int h, int mi, int sec,
		   int zone)
{
	struct mime_date t;
	if (mime_date_parse(s, strlen(s), &t) < 0) {
		fprintf(stderr, "'%s' did not parse\n", s);
		return 0;
	}
	int ok = t.year == y && t.month == mo && t.day == d && t.hour == h &&
		 t.minute == mi && t.second == sec && t.zone == zone;
	if (!ok)
		fprintf(stderr, "'%s' gave %d-%d-%d %d:%d:%d %+d\n", s, t.year,
			t.month, t.day, t.hour, t.minute, t.second, t.zone);
	return ok;
}

static void rfc5322_forms(void)
{
	CHECK(date_is("Fri, 21 Nov 1997 09:55:06 -0600", 1997, 11, 21, 9, 55, 6, -360));
	CHECK(date_is("Tue, 1 Jul 2003 10:52:37 +0200", 2003, 7, 1, 10, 52, 37, 120));
	CHECK(date_is("21 Nov 1997 09:55:06 +0000", 1997, 11, 21, 9, 55, 6, 0));
	CHECK(date_is("Thu,\r\n 13\r\n   Feb\r\n     1969\r\n 23:32\r\n    -0330 (Newfoundland Time)",
		      1969, 2, 13, 23, 32, 0, -210));
	CHECK(date_is("Mon, 2 Nov 2026 08:00:00 +1245", 2026, 11, 2, 8, 0, 0, 765));
}

static void obsolete_forms(void)
{
	/* §4.3: two- and three-digit years, zone names */
	CHECK(date_is("21 Nov 97 09:55:06 GMT", 1997, 11, 21, 9, 55, 6, 0));
	CHECK(date_is("3 Nov 26 09:59 EST", 2026, 11, 3, 9, 59, 0, -300));
	CHECK(date_is("1 Jan 103 00:00 PDT", 2003, 1, 1, 0, 0, 0, -420));
	CHECK(date_is("1 Jan 2000 00:00 Z", 2000, 1, 1, 0, 0, 0, 0));
	CHECK(date_is("1 Jan 2000 00:00 CET", 2000, 1, 1, 0, 0, 0, 0));   /* unknown */
	/* what mail carries anyway */
	CHECK(date_is("Tue Jul  1 10:52:37 2003", 2003, 7, 1, 10, 52, 37, 0));    /* asctime */
	CHECK(date_is("Tuesday, 01-Jul-2003 10:52:37 +0200", 2003, 7, 1, 10, 52, 37, 120));
	CHECK(date_is("1 july 2003", 2003, 7, 1, 0, 0, 0, 0));
	CHECK(date_is("  (c) 5 DEC 1999 1:2:3 -0000 (x)", 1999, 12, 5, 1, 2, 3, 0));
	CHECK(date_is("Sat, 31 Dec 2016 23:59:60 +0000", 2016, 12, 31, 23, 59, 59, 0));
}

static void bad_dates(void)
{
	static const char *const bad[] = {
		"", "garbage", "Tue, 1 2003", "1 Foo 2003", "Jul 2003",
		"32 Jul 2003", "1 Jul 2003 25:00", "1 Jul 2003 10:61",
		"1 Jul 2003 1:2:3:4", "0 Jul 2003", "1 Jul 2003 10::00", NULL };
	struct mime_date d = { 1, 2, 3, 4, 5, 6, 7 };
	for (size_t k = 0; bad[k]; k++) {
		CHECK(mime_date_parse(bad[k], strlen(bad[k]), &d) == -1);
		CHECK(d.year == 1 && d.zone == 7);      /* unchanged */
	}
}

static void instants_and_days(void)
{
	struct mime_date d;
	const char *s = "Fri, 21 Nov 1997 09:55:06 -0600";
	CHECK(mime_date_parse(s, strlen(s), &d) == 0);
	CHECK(mime_date_time(&d) == 880127706);      /* date -d ... +%s */
	CHECK(mime_date_days(&d) == 10186);          /* 1997-11-21 */
	s = "Sat, 1 Jan 2000 01:00:00 +0200";        /* still 31 Dec in UTC */
	CHECK(mime_date_parse(s, strlen(s), &d) == 0);
	CHECK(mime_date_time(&d) == 946681200);
	CHECK(mime_date_days(&d) == 10957);          /* the date as written */
	CHECK(mime_days_from_civil(1970, 1, 1) == 0);
	CHECK(mime_days_from_civil(2000, 3, 1) == 11017);
	CHECK(mime_days_from_civil(1969, 12, 31) == -1);
}

static void date_field(void)
{
	const char *h = "Received: by x; Mon, 1 Jan 2001 00:00:00 +0000\n"
			"date: Tue,\n 2 Jan 2001 03:04:05 -0100\nDate: Wed, 3 Jan 2001\n\n";
	struct mime_date d;
	CHECK(mime_date_header(h, strlen(h), &d) == 0);
	CHECK(d.day == 2 && d.hour == 3 && d.zone == -60);
	CHECK(mime_date_header("Subject: x\n\n", 12, &d) == -1);
	CHECK(mime_date_header("Date: never\n\n", 13, &d) == -1);
}

static const struct check_case cases[] = {
	{ "rfc5322_forms", rfc5322_forms },
	{ "obsolete_forms", obsolete_forms },
	{ "bad_dates", bad_dates },
	{ "instants_and_days", instants_and_days },
	{ "date_field", date_field },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
