/* check.c - runs the named cases of a unit-test binary. */
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_failures;
static char tmpdir[256];

static void remove_tmpdir(void)
{
	char cmd[300];
	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *check_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/unit.XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

static int run_case(const struct check_case *c)
{
	int before = check_failures;
	c->run();
	if (check_failures != before) {
		fprintf(stderr, "case %s: FAILED\n", c->name);
		return 1;
	}
	return 0;
}

int check_main(int argc, char **argv, const struct check_case *cases)
{
	int failed = 0;
	if (argc < 2) {
		for (const struct check_case *c = cases; c->name; c++)
			failed |= run_case(c);
		return failed;
	}
	for (int i = 1; i < argc; i++) {
		const struct check_case *c;
		for (c = cases; c->name; c++)
			if (strcmp(c->name, argv[i]) == 0)
				break;
		if (!c->name) {
			fprintf(stderr, "no case %s\n", argv[i]);
			return 2;
		}
		failed |= run_case(c);
	}
	return failed;
}
