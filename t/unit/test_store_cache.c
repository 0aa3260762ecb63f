/* test_store_cache.c - the folder cache's format (lib/store_cache.h):
 * round trip, appends, damage, another UIDVALIDITY, a version-1 file,
 * and the JMAP summary. */
#include "check.h"
#include "limits.h"
#include "store_cache.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the records handed to take said, by UID (1..9). */
struct seen {
	int records;
	long long size[10], mtime[10];
	char s[10][STORE_CACHE_STRINGS][64];
};

static int take(void *ctx, uint32_t uid, const struct store_cache_entry *e)
{
	struct seen *v = ctx;
	v->records++;
	if (uid > 5)
		return 0;       /* "expunged" */
	if (e->size >= 0 && v->size[uid] < 0)
		v->size[uid] = e->size;
	if (e->mtime >= 0 && v->mtime[uid] < 0)
		v->mtime[uid] = e->mtime;
	for (int i = 0; i < STORE_CACHE_STRINGS; i++)
		if (e->len[i] && !v->s[uid][i][0])
			memcpy(v->s[uid][i], e->s[i], e->len[i] < 63 ? e->len[i] : 63);
	return 1;
}

static int load(int dirfd, uint32_t validity, struct seen *v,
		struct store_cache *c)
{
	memset(v, 0, sizeof *v);
	for (int i = 0; i < 10; i++)
		v->size[i] = v->mtime[i] = -1;
	return store_cache_load(c, dirfd, validity, 5, take, v);
}

static int folder(const char *name)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", check_tmpdir(), name);
	mkdir(path, 0700);
	return open(path, O_RDONLY | O_DIRECTORY);
}

static void save(struct store_cache *c, uint32_t uid, long long size,
		 const char *env, const char *summary)
{
	struct store_cache_writer w;
	struct store_cache_entry e = { size, 1700000000 + uid, { env, "", "",
				       summary }, { strlen(env), 0, 0,
				       strlen(summary) } };
	CHECK(store_cache_save_begin(c, &w) == 0);
	store_cache_save_put(&w, uid, &e);
	CHECK(store_cache_save_end(&w) == 0);
}

static void write_file(int dirfd, const char *text)
{
	int fd = openat(dirfd, "postern-cache", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void round_trip(void)
{
	struct store_cache c;
	struct seen v;
	int d = folder("rt");
	CHECK(load(d, 42, &v, &c) == 0 && c.rewrite && v.records == 0);
	save(&c, 1, 100, "(env one)", "");             /* the file anew */
	CHECK(!c.rewrite);
	save(&c, 2, -1, "(env\ntwo)", "-+ hi\r\n");    /* appended */
	save(&c, 1, 999, "", "a+ p\r\n");              /* adds to UID 1 */
	store_cache_close(&c);
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 3 && !c.rewrite);
	CHECK(v.size[1] == 100 && v.mtime[1] == 1700000001);
	CHECK(!strcmp(v.s[1][STORE_CACHE_ENVELOPE], "(env one)"));
	CHECK(!strcmp(v.s[1][STORE_CACHE_SUMMARY], "a+ p\r\n"));
	CHECK(v.size[2] == -1 && !strcmp(v.s[2][0], "(env\ntwo)"));
	store_cache_close(&c);
	close(d);
}

static void damaged(void)
{
	struct store_cache c;
	struct seen v;
	int d = folder("dmg");
	write_file(d, "postern-cache 2 42\n1 5 6 3 0 0 0\nabc\n2 5 6 999 0 0 0\nxx\n");
	CHECK(load(d, 42, &v, &c) == -1 && c.rewrite);
	CHECK(v.records == 1 && v.size[1] == 5 && !strcmp(v.s[1][0], "abc"));
	save(&c, 3, 7, "(three)", "");         /* anew: only what was put */
	store_cache_close(&c);
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 1 && !c.rewrite);
	CHECK(v.size[3] == 7 && v.size[1] == -1);
	store_cache_close(&c);
	/* a torn last record (a crash in an append) */
	write_file(d, "postern-cache 2 42\n1 5 6 3 0 0 0\nabc\n2 5 6 3 0 0");
	CHECK(load(d, 42, &v, &c) == -1 && c.rewrite && v.records == 1);
	store_cache_close(&c);
	close(d);
}

static void other_validity(void)
{
	struct store_cache c;
	struct seen v;
	int d = folder("uv");
	write_file(d, "postern-cache 2 41\n1 5 6 3 0 0 0\nabc\n");
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 0 && c.rewrite);
	save(&c, 1, 9, "(x)", "");
	store_cache_close(&c);
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 1 && v.size[1] == 9);
	store_cache_close(&c);
	close(d);
}

static void version_one(void)
{
	struct store_cache c;
	struct seen v;
	int d = folder("v1");
	write_file(d, "postern-cache 1 42\n1 5 6 3 0 0\nabc\n");
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 0 && c.rewrite);
	save(&c, 2, 8, "(y)", "");
	store_cache_close(&c);
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 1 && v.size[2] == 8 &&
	      v.size[1] == -1);
	store_cache_close(&c);
	close(d);
}

static void compaction(void)
{
	struct store_cache c;
	struct seen v;
	int d = folder("dead");
	CHECK(load(d, 42, &v, &c) == 0);
	for (uint32_t uid = 1; uid <= 9; uid++)
		save(&c, uid, uid, "(e)", "");
	store_cache_close(&c);
	/* UIDs 6..9 are gone: 4 dead of 5 live, written anew next time */
	CHECK(load(d, 42, &v, &c) == 0 && v.records == 9 && c.rewrite);
	store_cache_close(&c);
	close(d);
}

static void summary(void)
{
	static const char h[] = "Received: x\r\nFrom: A <a@x>\r\nSubject: long\r\n"
		" folded\r\nX-Other: y\r\nReferences: <1@x> <2@x>\r\n\r\n";
	struct bytes b;
	struct store_summary s;
	bytes_init(&b, 1 << 20);
	CHECK(store_summary_make(h, sizeof h - 1, 1, "pre\nview", 8, &b) == 0);
	CHECK(!strcmp(bytes_str(&b), "a+ pre view\nFrom: A <a@x>\r\n"
		      "Subject: long\r\n folded\r\nReferences: <1@x> <2@x>\r\n\r\n"));
	CHECK(store_summary_parse(b.data, b.len, &s) == 0 && s.usable &&
	      s.has_attachment && s.preview_len == 8 &&
	      !strncmp(s.preview, "pre view", 8) &&
	      !strncmp(s.header, "From:", 5) &&
	      s.header_len == b.len - strlen("a+ pre view\n"));
	/* a field over the bound: kept out, the summary marked unusable */
	bytes_clear(&b);
	char big[STORE_SUMMARY_FIELD_MAX + 64];
	memset(big, 'x', sizeof big);
	memcpy(big, "Subject: ", 9);
	memcpy(big + sizeof big - 4, "\r\n\r\n", 4);
	CHECK(store_summary_make(big, sizeof big, 0, "", 0, &b) == 0);
	CHECK(!strcmp(bytes_str(&b), "-! \n\r\n"));
	CHECK(store_summary_parse(b.data, b.len, &s) == 0 && !s.usable &&
	      !s.has_attachment);
	/* References have a bound of their own */
	bytes_clear(&b);
	memcpy(big, "References: <", 13);
	CHECK(store_summary_make(big, sizeof big, 0, "", 0, &b) == 0);
	CHECK(store_summary_parse(b.data, b.len, &s) == 0 && s.usable &&
	      s.header_len == sizeof big);
	CHECK(store_summary_parse("x+ \n\r\n", 6, &s) < 0);
	CHECK(store_summary_parse("-+ no end", 9, &s) < 0);
	bytes_free(&b);
}

static const struct check_case cases[] = {
	{ "round_trip", round_trip },
	{ "damaged", damaged },
	{ "other_validity", other_validity },
	{ "version_one", version_one },
	{ "compaction", compaction },
	{ "summary", summary },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
