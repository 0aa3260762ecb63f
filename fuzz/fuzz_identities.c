/* fuzz_identities.c - libFuzzer target: the identities file a user can
 * write into their own Maildir (httpd/identity_file.c). Whatever it
 * holds is refused or read; what is read, written back and read again
 * must write the same text. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../httpd/identity.h"
#include "fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server s;

/* The scratch Maildir goes when the fuzzer exits. */
static void cleanup(void)
{
	char path[PATH_MAX_POSTERN + 32];
	snprintf(path, sizeof path, "%s/postern-identities", s.maildir);
	unlink(path);
	rmdir(s.maildir);
}

static int saved(struct identities *ids, struct mime_arena *a, struct bytes *out)
{
	char path[PATH_MAX_POSTERN + 32];
	if (identities_save(ids) < 0)
		return -1;
	identities_close(ids);
	snprintf(path, sizeof path, "%s/postern-identities", s.maildir);
	bytes_clear(out);
	if (file_read_all(path, out) < 0 || identities_load(&s, a, ids, 0) < 0)
		abort();        /* what was written must read back */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct identities ids;
	char path[PATH_MAX_POSTERN + 32];
	struct mime_arena a;
	struct bytes one, two;
	if (!s.maildir[0]) {
		/* a private directory for the run (mkdtemp fills the Xs) */
		char dir[] = "/tmp/fuzz-identities-XXXXXX";
		if (!mkdtemp(dir))
			abort();
		snprintf(s.maildir, sizeof s.maildir, "%s", dir);
		atexit(cleanup);
	}
	snprintf(path, sizeof path, "%s/postern-identities", s.maildir);
	if (file_write_atomic(path, data, size, 0600) < 0)
		return 0;
	mime_arena_init(&a);
	bytes_init(&one, JMAP_IDENTITY_FILE_MAX);
	bytes_init(&two, JMAP_IDENTITY_FILE_MAX);
	if (identities_load(&s, &a, &ids, 0) == 0) {
		if (saved(&ids, &a, &one) == 0 && saved(&ids, &a, &two) == 0 &&
		    (one.len != two.len || memcmp(one.data, two.data, one.len)))
			abort();
		identities_close(&ids);
	}
	bytes_free(&one);
	bytes_free(&two);
	mime_arena_free(&a);
	return 0;
}
