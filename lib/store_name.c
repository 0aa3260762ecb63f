/* store_name.c - the Maildir file-name grammar (store.h "ON DISK"):
 * "UNIQUE[,S=n][,W=n]" in new/, "UNIQUE...:2,INFO" in cur/. The one
 * place that reads or writes flag letters and size hints. */
#include "store.h"
#include "store_impl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* System flags and their info letters, in ASCII order (the order a name
 * keeps). */
static const struct { unsigned flag; char letter; } letters[] = {
	{ STORE_DRAFT, 'D' }, { STORE_FLAGGED, 'F' }, { STORE_ANSWERED, 'R' },
	{ STORE_SEEN, 'S' }, { STORE_DELETED, 'T' },
};
#define NLETTERS (sizeof letters / sizeof letters[0])

unsigned store_flags_from_name(const char *file)
{
	const char *info = strstr(file, ":2,");
	unsigned flags = 0;
	if (!info)
		return 0;
	for (info += 3; *info; info++) {
		if (*info >= 'a' && *info <= 'z')
			flags |= STORE_KEYWORD(*info - 'a');
		for (size_t i = 0; i < NLETTERS; i++)
			if (*info == letters[i].letter)
				flags |= letters[i].flag;
	}
	return flags;
}

/* The number after key ("S=", "W=") in the unique part, or -1. */
static long long hint(const char *file, const char *key)
{
	size_t n = strcspn(file, ":");
	for (const char *p = file; (p = strstr(p, key)) && p < file + n; p++) {
		if (p == file || p[-1] != ',')
			continue;
		char *end;
		long long v = strtoll(p + 2, &end, 10);
		if (end > p + 2 && v >= 0 && (*end == '\0' || *end == ',' ||
					      *end == ':'))
			return v;
	}
	return -1;
}

long long store_size_from_name(const char *file)
{
	return hint(file, "W=");
}

long long store_lf_size_from_name(const char *file)
{
	return hint(file, "S=");
}

int store_name_flaggable(const char *file)
{
	const char *info = strchr(file, ':');
	/* Maildir: ":1," and other infos have meanings of their own */
	return !info || !strncmp(info, ":2,", 3);
}

size_t store_unique_len(const char *name)
{
	return strcspn(name, ":");
}

/* The info letters for flags, keeping the letters of old (a file name,
 * may be NULL) postern does not know. 0, or -1 when it does not fit. */
static int name_info(const char *old, unsigned flags, char *info,
		     size_t size)
{
	char keep[128] = { 0 };
	const char *p = old ? strstr(old, ":2,") : NULL;
	size_t n = 0;
	/* letters postern does not know (other programs' flags) stay */
	for (p = p ? p + 3 : ""; *p; p++)
		if ((unsigned char)*p < 128)
			keep[(unsigned char)*p] = 1;
	for (size_t i = 0; i < NLETTERS; i++)
		keep[(unsigned char)letters[i].letter] =
			(flags & letters[i].flag) != 0;
	for (int i = 0; i < STORE_KEYWORDS_MAX; i++)
		keep['a' + i] = (flags & STORE_KEYWORD(i)) != 0;
	for (int c = 33; c < 127; c++) {
		if (!keep[c] || c == ',' || c == '/' || c == ':')
			continue;
		if (n + 1 >= size)
			return -1;
		info[n++] = (char)c;
	}
	info[n] = '\0';
	return 0;
}

int store_name_file(const char *unique, const char *old, unsigned flags,
		    int in_new, char *buf, size_t size)
{
	char info[128];
	int n;
	if (in_new)
		n = snprintf(buf, size, "new/%s", unique);
	else if (name_info(old, flags, info, sizeof info) < 0)
		return -1;
	else
		n = snprintf(buf, size, "cur/%s:2,%s", unique, info);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
