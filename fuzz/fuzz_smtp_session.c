/* fuzz_smtp_session.c - libFuzzer target: a whole smtpd session in
 * process, the input as what the client sends: the command parser and
 * its table, MAIL/RCPT paths and parameters, AUTH, DATA and its header
 * checks. smtpd/main.c is compiled into this file (its main renamed) so
 * that the session loop runs once per input without exit(). The control
 * files are made in a temporary directory; a message that gets through
 * DATA is removed again from the spool. Sleeps (the failed-login delay)
 * return at once. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

#define main smtpd_main
#include "../smtpd/main.c"
#undef main

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char spool_queue[PATH_MAX_POSTERN];

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)req;
	(void)rem;
	return 0;
}

/* DIR/NAME holding text. */
static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX_POSTERN];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[] = "/tmp/postern-fuzz-smtp.XXXXXX";
	char sub[PATH_MAX_POSTERN];
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	put(dir, "me", "mx.example.test\n");
	put(dir, "domains", "example.test\n");
	/* bob@example.test, password "secret" (SHA-512 crypt) */
	put(dir, "users", "bob@example.test:$6$fuzz$.OSUJtk.zJmi0SLQ0xSWCfVjdd37qcB7wAim23pR3OrqZItIw6L/S0K4y58DmxhxxmNrQfhJio24pu1jZEF6y1\n");
	put(dir, "plaintextauth", "1\n");
	put(dir, "aliases", "info@example.test: bob@example.test\n");
	snprintf(sub, sizeof sub, "%s/spool\n", dir);
	put(dir, "spool", sub);
	snprintf(sub, sizeof sub, "%s/mailroot\n", dir);
	put(dir, "mailroot", sub);
	snprintf(spool_queue, sizeof spool_queue, "%s/spool/queue", dir);
	setenv("POSTERN_CONF", dir, 1);
	setenv("TCPREMOTEIP", "192.0.2.1", 1);
	log_init("smtpd");
	int null = open("/dev/null", O_WRONLY);
	if (null < 0 || dup2(null, 1) < 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		abort();
	return 0;
}

/* Remove what reached queue/. */
static void empty_queue(void)
{
	DIR *d = opendir(spool_queue);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			(void)unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *args[] = { "smtpd", "-s", NULL };
	struct session *s = &session;
	int fd = memfd_create("fuzz-smtp", 0);
	if (fd < 0 || write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    dup2(fd, 0) < 0)
		abort();
	close(fd);
	memset(s, 0, sizeof *s);
	optind = 0;
	/* The first byte picks MX (even) or submission (odd) mode. */
	session_init(s, size > 0 && data[0] % 2 ? 2 : 1, args);
	if (greet(s) < 0)
		abort();
	for (int turn = 0; s->state != STATE_CLOSED && turn < 10000; turn++) {
		reply_flush(s, 0);
		if (s->state != STATE_CLOSED)
			command_next(s);
	}
	reply_flush(s, 1);
	envelope_free(&s->env);
	if (s->queued)
		empty_queue();
	return 0;
}
