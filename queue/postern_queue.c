/* postern_queue.c - queue administration (postern-queue(8)):
 *
 *   postern-queue list | show ID | rm ID | retry ID|all | stats [-j]
 *
 * It only reads the spool, except rm (unlinks queue/ID; the runner then
 * drops state/ID) and retry (touches queue/ID: a queue file newer than
 * its state file is due now). Both wake the runner. Safe while the runner
 * runs: every file it reads is replaced whole, never rewritten. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "queue_stats.h"
#include "spool.h"
#include "state.h"

static struct spool sp;

static void usage(void)
{
	fprintf(stderr, "usage: postern-queue list | show ID | rm ID | "
		"retry ID|all | stats [-j]\n");
	exit(64);
}

/* A queue ID as spool_new_id makes them: digits, '.', letters. */
static int valid_id(const char *id)
{
	size_t n = strlen(id);
	return n > 0 && n < SPOOL_ID_MAX && id[0] != '.' &&
	       strspn(id, "0123456789.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == n;
}

void queue_age_text(long s, char *buf, size_t size)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, size, "%lds", s);
	else if (s < 7200)
		snprintf(buf, size, "%ldm", s / 60);
	else if (s < 172800)
		snprintf(buf, size, "%ldh", s / 3600);
	else
		snprintf(buf, size, "%ldd", s / 86400);
}

static void print_rcpt(const struct rcpt_state *r, time_t now)
{
	char next[32];
	if (r->status == RCPT_PENDING) {
		queue_age_text((long)(r->next - now), next, sizeof next);
		printf("    %-40s pending   %s%s", r->address,
		       r->next <= now ? "next try now" : "next try in ", r->next <= now ? "" : next);
	} else {
		printf("    %-40s %-9s", r->address, state_status_name(r->status));
	}
	if (r->attempts)
		printf("  attempts %d: %s", r->attempts, r->reply);
	printf("\n");
}

/* One message's summary lines. 0, or -1 when it is gone. */
static int list_one(const char *id, time_t now)
{
	struct envelope env;
	struct msg_state st;
	off_t off;
	char path[PATH_MAX_POSTERN], age[32];
	struct stat s;
	if (spool_read_envelope(&sp, id, &env, &off) < 0 ||
	    spool_path(&sp, "queue", id, path, sizeof path) < 0 || stat(path, &s) < 0)
		return -1;
	int rc = state_read(&sp, id, &st);
	if (rc == 0)
		rc = state_from_envelope(&st, &env);
	queue_age_text((long)(now - env.arrival), age, sizeof age);
	printf("%-28s %6s %9lld  <%s>%s\n", id, age, (long long)(s.st_size - off),
	       env.sender, rc == 0 ? "  (not tried yet)" : "");
	for (size_t i = 0; rc >= 0 && i < st.count; i++)
		print_rcpt(&st.rcpt[i], now);
	state_free(&st);
	envelope_free(&env);
	return 0;
}

static int cmd_list(void)
{
	struct spool_list list;
	time_t now = time(NULL);
	if (spool_list(&sp, &list) < 0)
		log_fatal(111, "cannot list the queue: %s", strerror(errno));
	if (list.count == 0)
		printf("queue is empty\n");
	for (size_t i = 0; i < list.count; i++)
		(void)list_one(list.ids[i], now);
	spool_list_free(&list);
	return 0;
}

static int cmd_show(const char *id)
{
	char path[PATH_MAX_POSTERN], buf[8192];
	struct envelope env;
	off_t off;
	ssize_t n;
	if (spool_read_envelope(&sp, id, &env, &off) < 0 ||
	    spool_path(&sp, "queue", id, path, sizeof path) < 0) {
		fprintf(stderr, "postern-queue: no message %s\n", id);
		return 100;
	}
	printf("id: %s\nsender: <%s>\nclient: %s\nhelo: %s\nauth: %s\n", id, env.sender,
	       env.client, env.helo, env.auth);
	envelope_free(&env);
	list_one(id, time(NULL));
	printf("\n");
	fflush(stdout);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, off, SEEK_SET) < 0)
		return 100;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return 0;
}

static int cmd_rm(const char *id)
{
	char path[PATH_MAX_POSTERN];
	if (spool_path(&sp, "queue", id, path, sizeof path) < 0 || unlink(path) < 0) {
		fprintf(stderr, "postern-queue: cannot remove %s: %s\n", id, strerror(errno));
		return errno == ENOENT ? 100 : 111;
	}
	log_event("id=%s event=removed-by-admin uid=%ld", id, (long)getuid());
	(void)spool_trigger(&sp);
	return 0;
}

static int touch(const char *id)
{
	char path[PATH_MAX_POSTERN];
	if (spool_path(&sp, "queue", id, path, sizeof path) < 0 ||
	    utimensat(AT_FDCWD, path, NULL, 0) < 0) {
		fprintf(stderr, "postern-queue: cannot retry %s: %s\n", id, strerror(errno));
		return errno == ENOENT ? 100 : 111;
	}
	return 0;
}

static int cmd_retry(const char *id)
{
	struct spool_list list;
	int rc = 0;
	if (strcmp(id, "all") != 0) {
		rc = touch(id);
	} else {
		if (spool_list(&sp, &list) < 0)
			log_fatal(111, "cannot list the queue: %s", strerror(errno));
		for (size_t i = 0; i < list.count; i++)
			if (touch(list.ids[i]) == 111)
				rc = 111;
		spool_list_free(&list);
	}
	if (rc == 0 && spool_trigger(&sp) < 0)
		fprintf(stderr, "postern-queue: cannot wake the runner: %s\n", strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	log_init("postern-queue");
	if (argc < 2)
		usage();
	const char *cmd = argv[1], *id = argc > 2 ? argv[2] : NULL;
	int want_id = strcmp(cmd, "show") == 0 || strcmp(cmd, "rm") == 0 ||
		      strcmp(cmd, "retry") == 0;
	int json = strcmp(cmd, "stats") == 0 && argc == 3 && strcmp(argv[2], "-j") == 0;
	if ((want_id && argc != 3) || (!want_id && argc != 2 + json))
		usage();
	if (want_id && strcmp(id, "all") != 0 && !valid_id(id)) {
		fprintf(stderr, "postern-queue: not a queue ID: %s\n", id);
		return 64;
	}
	if (spool_open(&sp, NULL) < 0)
		log_fatal(111, "cannot open the spool: %s", strerror(errno));
	if (strcmp(cmd, "list") == 0)
		return cmd_list();
	if (strcmp(cmd, "stats") == 0)
		return queue_stats(&sp, json);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(id);
	if (strcmp(cmd, "rm") == 0)
		return cmd_rm(id);
	if (strcmp(cmd, "retry") == 0)
		return cmd_retry(id);
	usage();
}
