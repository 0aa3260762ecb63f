/* test_store.c - the mail store (lib/store.h): changes since a MODSEQ,
 * removal, and the change log beside the index. */
#include "check.h"
#include "store.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A Maildir NAME under the temporary directory with n messages in cur/
 * ("100N.MNPN.test:2,"), opened into st. */
static void maildir(struct store *st, const char *name, int n, char *root,
		    size_t size)
{
	char path[700];
	snprintf(root, size, "%s/%s", check_tmpdir(), name);
	CHECK(store_open(st, root) == 0);
	for (int i = 1; i <= n; i++) {
		snprintf(path, sizeof path, "%s/cur/100%d.M%dP%d.test:2,", root,
			 i, i, i);
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fprintf(f, "Subject: %d\n\nbody\n", i);
			fclose(f);
		}
	}
}

/* The contents of ROOT/FILE into buf ("" when missing). */
static const char *slurp(const char *root, const char *file, char *buf,
			 size_t size)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", root, file);
	buf[0] = '\0';
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	ssize_t n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static int exists(const char *root, const char *file)
{
	char path[700];
	struct stat s;
	snprintf(path, sizeof path, "%s/%s", root, file);
	return stat(path, &s) == 0;
}

static int has(const uint32_t *v, size_t n, uint32_t uid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == uid)
			return 1;
	return 0;
}

static void changes_since(void)
{
	struct store st;
	struct store_since s;
	char root[600];
	maildir(&st, "since", 3, root, sizeof root);
	struct store_folder *f = store_folder_open(&st, "INBOX", 0);
	CHECK(f && f->count == 3);
	if (!f)
		return;
	uint64_t h0 = f->highestmodseq;
	CHECK(store_changes_since(f, h0, &s) == 0);
	CHECK(s.ncreated == 0 && s.nupdated == 0 && s.nexpunged == 0 && !s.too_old);
	store_since_free(&s);
	size_t two = 1;
	CHECK(store_set_flags(f, &two, 1, STORE_FLAGS_ADD, STORE_FLAGGED, 0,
			      NULL, NULL) == 0);
	CHECK(f->highestmodseq == h0 + 1 && f->msgs[1].modseq == h0 + 1);
	struct store_new n = { "Subject: new\r\n\r\nx\r\n", 19, 0, NULL, 0, 0, NULL };
	struct store_added a;
	CHECK(store_append(&st, "INBOX", &n, 1, &a) == 0 && a.n == 1);
	uint32_t appended = a.uids[0];
	store_added_free(&a);
	size_t one = 0;
	struct store_changes ch;
	CHECK(store_remove(f, &one, 1, &ch) == 0 && ch.nexpunged == 1);
	store_changes_free(&ch);
	CHECK(store_changes_since(f, h0, &s) == 0);
	CHECK(s.nupdated == 1 && s.updated[0] == 2);
	CHECK(s.ncreated == 1 && s.created[0] == appended);
	CHECK(s.nexpunged == 1 && s.expunged[0] == 1);
	store_since_free(&s);
	/* since the flag change: only what came after it */
	CHECK(store_changes_since(f, h0 + 1, &s) == 0);
	CHECK(s.nupdated == 0 && s.ncreated == 1 && s.nexpunged == 1);
	store_since_free(&s);
	/* since 0: everything there is was created, nothing updated */
	CHECK(store_changes_since(f, 0, &s) == 0);
	CHECK(s.ncreated == 3 && s.nupdated == 0 && has(s.created, 3, 2) &&
	      has(s.created, 3, 3) && has(s.created, 3, appended));
	store_since_free(&s);
	store_folder_close(f);
	store_close(&st);
}

static void remove_messages(void)
{
	struct store st;
	struct store_changes ch;
	char root[600];
	maildir(&st, "remove", 4, root, sizeof root);
	struct store_folder *f = store_folder_open(&st, "INBOX", 0);
	CHECK(f && f->count == 4);
	if (!f)
		return;
	/* one gone before the removal counts as removed */
	char path[700];
	snprintf(path, sizeof path, "%s/cur/1004.M4P4.test:2,", root);
	CHECK(unlink(path) == 0);
	size_t idx[] = { 0, 2, 3 };
	CHECK(store_remove(f, idx, 3, &ch) == 0);
	/* "* n EXPUNGE" numbers, each as it was just before its removal */
	CHECK(ch.nexpunged == 3 && ch.expunged[0] == 1 && ch.expunged[1] == 2 &&
	      ch.expunged[2] == 2);
	CHECK(ch.expunged_uids[0] == 1 && ch.expunged_uids[1] == 3 &&
	      ch.expunged_uids[2] == 4);
	store_changes_free(&ch);
	CHECK(f->count == 1 && f->msgs[0].uid == 2);
	CHECK(!exists(root, "cur/1001.M1P1.test:2,") &&
	      !exists(root, "cur/1003.M3P3.test:2,") &&
	      exists(root, "cur/1002.M2P2.test:2,"));
	/* whatever the flags; with no ch */
	size_t first = 0;
	CHECK(store_set_flags(f, &first, 1, STORE_FLAGS_ADD, STORE_SEEN, 0,
			      NULL, NULL) == 0);
	CHECK(store_remove(f, &first, 1, NULL) == 0 && f->count == 0);
	store_folder_close(f);
	/* another view sees none, and four expunges */
	f = store_folder_open(&st, "INBOX", 0);
	CHECK(f && f->count == 0);
	struct store_since s;
	CHECK(f && store_changes_since(f, 0, &s) == 0 && s.nexpunged == 4);
	store_since_free(&s);
	store_folder_close(f);
	store_close(&st);
}

/* "KIND SEC.NSEC SEC.NSEC\n" of root's cur/ and new/ mtimes now, as the
 * log's listing records hold them (a static buffer). */
static const char *dir_stamps(const char *root, const char *kind)
{
	static char line[96];
	char path[700];
	struct stat st[2];
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", root, i ? "new" : "cur");
		CHECK(stat(path, &st[i]) == 0);
	}
	snprintf(line, sizeof line, "%s %lld.%09ld %lld.%09ld\n", kind,
		 (long long)st[0].st_mtim.tv_sec, st[0].st_mtim.tv_nsec,
		 (long long)st[1].st_mtim.tv_sec, st[1].st_mtim.tv_nsec);
	return line;
}

/* A flag change is a record of the log, not a new index; a fresh view
 * reads it; a torn last record is cut off at the next change. */
static void change_log(void)
{
	struct store st;
	char root[600], before[4096], buf[4096];
	maildir(&st, "log", 2, root, sizeof root);
	struct store_folder *f = store_folder_open(&st, "INBOX", 0);
	CHECK(f != NULL);
	if (!f)
		return;
	slurp(root, "postern-index", before, sizeof before);
	size_t i = 0;
	CHECK(store_set_flags(f, &i, 1, STORE_FLAGS_ADD, STORE_ANSWERED, 0,
			      NULL, NULL) == 0);
	uint64_t m = f->msgs[0].modseq;
	CHECK(strcmp(slurp(root, "postern-index", buf, sizeof buf), before) == 0);
	slurp(root, "postern-changes", buf, sizeof buf);
	/* the header (and the listing the open noted), the change, and the
	 * listing its rename left, provisional: cur/ and new/ as now */
	char want[256], head[64];
	snprintf(head, sizeof head, "postern-changes 1 %lu\n",
		 (unsigned long)f->uidvalidity);
	snprintf(want, sizeof want, "m 1 %llu 1 cur/1001.M1P1.test:2,R\n%s",
		 (unsigned long long)m, dir_stamps(root, "L"));
	size_t n = strlen(buf), w = strlen(want);
	CHECK(strncmp(buf, head, strlen(head)) == 0 && n >= w &&
	      strcmp(buf + n - w, want) == 0);
	/* a crash in an append: half a record */
	char path[700];
	snprintf(path, sizeof path, "%s/postern-changes", root);
	FILE *torn = fopen(path, "a");
	CHECK(torn && fputs("m 2 99", torn) >= 0);
	if (torn)
		fclose(torn);
	struct store_folder *g = store_folder_open(&st, "INBOX", STORE_READONLY);
	CHECK(g && g->msgs[0].flags == STORE_ANSWERED && g->msgs[0].modseq == m &&
	      g->highestmodseq == m);
	store_folder_close(g);
	i = 1;
	CHECK(store_set_flags(f, &i, 1, STORE_FLAGS_ADD, STORE_FLAGGED, 0,
			      NULL, NULL) == 0);
	CHECK(f->msgs[1].modseq == m + 1);
	slurp(root, "postern-changes", buf, sizeof buf);
	CHECK(strstr(buf, "m 2 99") == NULL);
	CHECK(strstr(buf, "\nm 2 ") && buf[strlen(buf) - 1] == '\n');
	g = store_folder_open(&st, "INBOX", STORE_READONLY);
	CHECK(g && g->msgs[1].flags == STORE_FLAGGED && g->highestmodseq == m + 1);
	store_folder_close(g);
	store_folder_close(f);
	store_close(&st);
}

/* The log is folded into the index when it grows, sizes learned kept;
 * MODSEQ goes on from where it was; a log left beside a new index (another UIDVALIDITY) is
 * not replayed into it. */
static void change_log_fold(void)
{
	struct store st;
	char root[600], buf[4096];
	maildir(&st, "fold", 300, root, sizeof root);
	struct store_folder *f = store_folder_open(&st, "INBOX", 0);
	CHECK(f && f->count == 300);
	if (!f)
		return;
	uint64_t h0 = f->highestmodseq;
	size_t all[300], i = 0;
	long long wire = 777;
	CHECK(store_set_sizes(f, &i, &wire, 1) == 0 && f->msgs[0].size_crlf == 777);
	for (size_t k = 0; k < 300; k++)
		all[k] = k;
	int folded = 0, rounds = 0;
	/* 300 records of about 40 octets a round; the log folds past
	 * STORE_LOG_MIN (64 KB) */
	for (; rounds < 20 && !folded; rounds++) {
		CHECK(store_set_flags(f, all, 300, rounds % 2 ?
				      STORE_FLAGS_REMOVE : STORE_FLAGS_ADD,
				      STORE_SEEN, 0, NULL, NULL) == 0);
		folded = !exists(root, "postern-changes");
		CHECK(folded || rounds < 8);
	}
	CHECK(folded && rounds > 2);
	uint64_t h = f->highestmodseq;
	CHECK(h == h0 + 300 * (uint64_t)rounds);
	slurp(root, "postern-index", buf, sizeof buf);
	char want[64];
	snprintf(want, sizeof want, " %llu ", (unsigned long long)h);
	CHECK(strstr(buf, want) != NULL);
	/* a size learned (pop3d) is kept by the fold */
	CHECK(strstr(buf, "\nw 1 777\n") != NULL);
	struct store_folder *g = store_folder_open(&st, "INBOX", STORE_READONLY);
	CHECK(g && g->msgs[0].size_crlf == 777 && g->msgs[1].size_crlf == -1);
	store_folder_close(g);
	CHECK(store_set_flags(f, &i, 1, STORE_FLAGS_ADD, STORE_DRAFT, 0, NULL,
			      NULL) == 0);
	CHECK(f->highestmodseq == h + 1 && exists(root, "postern-changes"));
	store_folder_close(f);
	/* a damaged index is made anew (a new UIDVALIDITY): the old log
	 * is not this index's */
	char path[700];
	snprintf(path, sizeof path, "%s/postern-index", root);
	FILE *w = fopen(path, "w");
	CHECK(w && fputs("junk\n", w) >= 0);
	if (w)
		fclose(w);
	f = store_folder_open(&st, "INBOX", 0);
	CHECK(f && f->count == 300 && f->msgs[0].uid == 1 && f->highestmodseq < h);
	CHECK(f && (f->msgs[0].flags & STORE_DRAFT));
	store_folder_close(f);
	store_close(&st);
}

static const struct check_case cases[] = {
	{ "changes_since", changes_since },
	{ "remove_messages", remove_messages },
	{ "change_log", change_log },
	{ "change_log_fold", change_log_fold },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
