/* test_settings.c - the table of numeric control files, its broken
 * values, and postern-control(5) checked against it. */
#include "check.h"
#include "bytes.h"
#include "fsutil.h"
#include "settings.h"
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_control(const char *name, const char *text)
{
	char path[512];
	setenv("POSTERN_CONF", check_tmpdir(), 1);
	snprintf(path, sizeof path, "%s/%s", check_tmpdir(), name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void defaults_and_values(void)
{
	long v;
	const char *why = "x";
	setenv("POSTERN_CONF", check_tmpdir(), 1);
	CHECK(setting_value(SETTING_IMAPTIMEOUT, &v, &why) == 0 && v == 1800 &&
	      why == NULL);
	CHECK(setting_value(SETTING_POP3TIMEOUT, &v, NULL) == 0 && v == 600);
	CHECK(setting_value(SETTING_TIMEOUT, &v, NULL) == 0 && v == 300);
	write_control("maxsize", "1000 # bytes\n");
	CHECK(setting_value(SETTING_MAXSIZE, &v, NULL) == 0 && v == 1000);
	write_control("retrymin", "0\n");
	CHECK(setting_value(SETTING_RETRYMIN, &v, NULL) == 0 && v == 0);
	write_control("timeout", "\n# empty: the default\n");
	CHECK(setting_value(SETTING_TIMEOUT, &v, NULL) == 0 && v == 300);
}

/* Each broken value: -1, the default in *out, a reason. */
static void broken_values(void)
{
	static const struct { const char *file, *text, *why; enum setting_id id; }
	cases[] = {
		{ "timeout", "5m\n", "not a number", SETTING_TIMEOUT },
		{ "timeout", "0\n", "out of bounds", SETTING_TIMEOUT },
		{ "maxrcpt", "-1\n", "not a number", SETTING_MAXRCPT },
		{ "maxsize", "99999999999999999999999\n", "not a number",
		  SETTING_MAXSIZE },
		{ "maxsize", "2000000000\n", "out of bounds", SETTING_MAXSIZE },
		{ "plaintextauth", "2\n", "out of bounds", SETTING_PLAINTEXTAUTH },
		{ "concurrency", "0\n", "out of bounds", SETTING_CONCURRENCY },
		{ "imaptimeout", "86401\n", "out of bounds", SETTING_IMAPTIMEOUT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long v = 7;
		const char *why = NULL;
		write_control(cases[i].file, cases[i].text);
		CHECK(setting_value(cases[i].id, &v, &why) == -1);
		CHECK(v == setting_def(cases[i].id)->dflt);
		CHECK(why && !strcmp(why, cases[i].why));
		write_control(cases[i].file, "");
	}
	enum setting_id ids[] = { SETTING_TIMEOUT, SETTING_MAXRCPT };
	CHECK(settings_check(ids, 2) == 0);
	write_control("maxrcpt", "many\n");
	CHECK(settings_check(ids, 2) == -1);
}

/* The entry of file in the page: from ".B file" to the next ".TP". */
static const char *entry(const char *page, const char *file, size_t *len)
{
	char head[64];
	snprintf(head, sizeof head, "\n.TP\n.B %s\n", file);
	const char *p = strstr(page, head);
	if (!p)
		return NULL;
	const char *end = strstr(p + strlen(head), "\n.TP\n");
	const char *sh = strstr(p + strlen(head), "\n.SH");
	if (!end || (sh && sh < end))
		end = sh;
	*len = end ? (size_t)(end - p) : strlen(p);
	return p;
}

static int has(const char *p, size_t len, const char *text)
{
	size_t n = strlen(text);
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(p + i, text, n))
			return 1;
	return 0;
}

/* postern-control(5) gives each setting its default, its values and its
 * readers exactly as the table does. */
static void man_page_matches_table(void)
{
	char exe[1024], path[1200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(n > 0);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof path, "%s/../../man/postern-control.5",
		 dirname(exe));
	struct bytes page;
	bytes_init(&page, 1 << 20);
	CHECK(file_read_all(path, &page) == 0 && page.len > 0);
	for (int i = 0; i < SETTING_COUNT; i++) {
		const struct setting_def *d = setting_def((enum setting_id)i);
		char text[128];
		size_t len = 0;
		const char *e = entry(bytes_str(&page), d->file, &len);
		if (!e) {
			fprintf(stderr, "no entry for %s\n", d->file);
			check_failures++;
			continue;
		}
		snprintf(text, sizeof text, "Default: %ld", d->dflt);
		CHECK(has(e, len, text));
		snprintf(text, sizeof text, "Values: %ld", d->min);
		CHECK(has(e, len, text));
		snprintf(text, sizeof text, " to %ld", d->max);
		CHECK(has(e, len, text));
		char readers[128], *save;
		snprintf(readers, sizeof readers, "%s", d->readers);
		for (char *r = strtok_r(readers, " ", &save); r;
		     r = strtok_r(NULL, " ", &save)) {
			snprintf(text, sizeof text, ".BR postern-%s ", r);
			if (!has(e, len, text)) {
				fprintf(stderr, "%s: reader %s missing\n", d->file, r);
				check_failures++;
			}
		}
	}
	bytes_free(&page);
}

static const struct check_case cases[] = {
	{ "defaults_and_values", defaults_and_values },
	{ "broken_values", broken_values },
	{ "man_page_matches_table", man_page_matches_table },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
