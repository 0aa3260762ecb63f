/* token_main.c - postern-token: make, list and revoke the API tokens of
 * lib/token.h (Bearer tokens for JMAP clients). Run as root: the tokens
 * file lives in the control directory.
 *
 *   postern-token add USER [LABEL]    prints the new token (only now)
 *   postern-token list [USER]         hash prefix, user, created, label
 *   postern-token revoke USER PREFIX  a token by its hash prefix, or "all"
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "local.h"
#include "token.h"

static int usage(void)
{
	fprintf(stderr, "usage: postern-token add USER [LABEL] | list [USER] | "
		"revoke USER PREFIX|all\n");
	return 64;
}

static int add(const char *user, const char *label)
{
	char token[TOKEN_TEXT_MAX];
	int known = local_user(user);
	if (known != 1) {
		fprintf(stderr, "postern-token: %s\n", known < 0
			? "the users file cannot be read" : "no such user");
		return known < 0 ? 111 : 100;
	}
	if (token_create(user, label, token, sizeof token) < 0) {
		fprintf(stderr, "postern-token: cannot add: %s\n",
			errno == EINVAL ? "bad label" : strerror(errno));
		return errno == EINVAL ? 64 : 111;
	}
	printf("%s\n", token);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "add"))
		return add(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc <= 3 && argc >= 2 && !strcmp(argv[1], "list"))
		return token_list(argc == 3 ? argv[2] : NULL) < 0 ? 111 : 0;
	if (argc == 4 && !strcmp(argv[1], "revoke")) {
		int n = token_revoke(argv[2], argv[3]);
		if (n < 0) {
			fprintf(stderr, "postern-token: cannot revoke: %s\n",
				strerror(errno));
			return errno == EINVAL ? 64 : 111;
		}
		printf("%d revoked\n", n);
		return n > 0 ? 0 : 100;
	}
	return usage();
}
