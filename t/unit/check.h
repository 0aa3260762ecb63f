/* check.h - the tiny harness of the C unit tests in t/unit/.
 *
 * Each test_MODULE binary holds named cases; `test_MODULE NAME` runs one
 * (bats calls it once per @test), `test_MODULE` alone runs them all.
 * A failing CHECK prints file:line and the expression, and the case fails. */
#ifndef POSTERN_CHECK_H
#define POSTERN_CHECK_H
#include <stdio.h>

struct check_case {
	const char *name;
	void (*run)(void);
};

extern int check_failures;

#define CHECK(expr) do { if (!(expr)) { \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
	check_failures++; } } while (0)

/* Run the cases named on the command line, or all. Exit 0 when none
 * failed, 1 when one did, 2 for an unknown name. */
int check_main(int argc, char **argv, const struct check_case *cases);

/* A fresh temporary directory for this process (removed at exit). */
const char *check_tmpdir(void);

#endif
