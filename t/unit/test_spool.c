/* test_spool.c - commit durability rules, envelopes, listing, trigger. */
#include "check.h"
#include "spool.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct spool sp;

static void open_spool(const char *name)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/%s", check_tmpdir(), name);
	CHECK(spool_open(&sp, dir) == 0);
}

static int count_files(const char *sub)
{
	char path[PATH_MAX_POSTERN];
	spool_path(&sp, sub, NULL, path, sizeof path);
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void sample_envelope(struct envelope *env)
{
	envelope_init(env);
	snprintf(env->sender, sizeof env->sender, "alice@example.org");
	envelope_add_rcpt(env, "bob@example.test");
	envelope_add_rcpt(env, "\"odd name\"@example.test");
	snprintf(env->client, sizeof env->client, "192.0.2.7");
	snprintf(env->helo, sizeof env->helo, "client\r\nsender evil@x");
	env->eightbit = 1;
}

static void creates_layout(void)
{
	open_spool("layout");
	struct stat st;
	char path[PATH_MAX_POSTERN];
	spool_path(&sp, "trigger", NULL, path, sizeof path);
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	spool_path(&sp, "state", NULL, path, sizeof path);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(spool_open(&sp, sp.dir) == 0);    /* again: idempotent */
}

static void ids_unique_and_sorted(void)
{
	char a[SPOOL_ID_MAX], b[SPOOL_ID_MAX];
	for (int i = 0; i < 1000; i++) {
		spool_new_id(a);
		spool_new_id(b);
		CHECK(strcmp(a, b) < 0);
		CHECK(strspn(a, "0123456789.") == strlen(a));
	}
}

static void committed_reads_back(void)
{
	open_spool("commit");
	struct envelope env, back;
	struct spool_writer *w = malloc(sizeof *w);
	sample_envelope(&env);
	/* every byte value but LF-free CR games: the body is opaque */
	char body[3000];
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (char)(i % 251);
	CHECK(spool_begin(&sp, w) == 0);
	CHECK(spool_put_envelope(w, &env) == 0);
	CHECK(spool_put(w, body, sizeof body) == 0);
	CHECK(spool_commit(w) == 0);
	CHECK(count_files("queue") == 1 && count_files("tmp") == 0);
	off_t off;
	CHECK(spool_read_envelope(&sp, w->id, &back, &off) == 0);
	CHECK(strcmp(back.sender, "alice@example.org") == 0);
	CHECK(back.rcpt_count == 2 && strcmp(back.rcpt[1], "\"odd name\"@example.test") == 0);
	CHECK(back.eightbit == 1 && back.smtputf8 == 0);
	CHECK(strcmp(back.helo, "client??sender evil@x") == 0);
	char path[PATH_MAX_POSTERN], got[4000];
	spool_path(&sp, "queue", w->id, path, sizeof path);
	int fd = open(path, O_RDONLY);
	CHECK(pread(fd, got, sizeof got, off) == (ssize_t)sizeof body);
	CHECK(memcmp(got, body, sizeof body) == 0);
	close(fd);
	envelope_free(&env);
	envelope_free(&back);
	free(w);
}

static void null_sender(void)
{
	open_spool("null");
	struct envelope env, back;
	struct spool_writer *w = malloc(sizeof *w);
	envelope_init(&env);
	envelope_add_rcpt(&env, "x@example.test");
	CHECK(spool_begin(&sp, w) == 0 && spool_put_envelope(w, &env) == 0);
	CHECK(spool_put(w, "Subject: x\n\nhi\n", 15) == 0 && spool_commit(w) == 0);
	CHECK(spool_read_envelope(&sp, w->id, &back, NULL) == 0 && back.sender[0] == '\0');
	envelope_free(&env);
	envelope_free(&back);
	free(w);
}

static void killed_writer_never_in_queue(void)
{
	open_spool("killed");
	int sync_pipe[2];
	CHECK(pipe(sync_pipe) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct envelope env;
		static struct spool_writer w;
		envelope_init(&env);
		envelope_add_rcpt(&env, "x@example.test");
		spool_begin(&sp, &w);
		spool_put_envelope(&w, &env);
		for (int i = 0; i < 100; i++)
			spool_put(&w, "line of the message body\n", 25);
		if (write(sync_pipe[1], "k", 1) != 1)
			_exit(1);
		pause();        /* killed here, before commit */
		_exit(0);
	}
	char c;
	CHECK(read(sync_pipe[0], &c, 1) == 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(count_files("queue") == 0);
	CHECK(count_files("tmp") == 1);
	struct spool_list list;
	CHECK(spool_list(&sp, &list) == 0);
	spool_list_free(&list);
	close(sync_pipe[0]);
	close(sync_pipe[1]);
}

static void abort_leaves_nothing(void)
{
	open_spool("abort");
	struct spool_writer *w = malloc(sizeof *w);
	CHECK(spool_begin(&sp, w) == 0);
	spool_put(w, "x", 1);
	spool_abort(w);
	CHECK(count_files("tmp") == 0 && count_files("queue") == 0);
	free(w);
}

static void commit_failure_leaves_nothing(void)
{
	open_spool("fail");
	struct spool_writer *w = malloc(sizeof *w);
	struct envelope env;
	envelope_init(&env);
	CHECK(spool_begin(&sp, w) == 0 && spool_put_envelope(w, &env) == 0);
	char queue_dir[PATH_MAX_POSTERN];
	spool_path(&sp, "queue", NULL, queue_dir, sizeof queue_dir);
	CHECK(rmdir(queue_dir) == 0);           /* the rename must fail */
	CHECK(spool_commit(w) == -1 && errno == ENOENT);
	CHECK(count_files("tmp") == 0);
	CHECK(mkdir(queue_dir, 0700) == 0 && count_files("queue") == 0);
	free(w);
}

static void malformed_envelope(void)
{
	open_spool("bad");
	char path[PATH_MAX_POSTERN];
	spool_path(&sp, "queue", "1", path, sizeof path);
	FILE *f = fopen(path, "w");
	fputs("sender a@b\nrecipient c@d\n", f);         /* no blank line */
	fclose(f);
	struct envelope env;
	CHECK(spool_read_envelope(&sp, "1", &env, NULL) == -1 && errno == EINVAL);
	CHECK(spool_read_envelope(&sp, "nonexistent", &env, NULL) == -1 && errno == ENOENT);
}

static void list_sorted(void)
{
	open_spool("list");
	struct spool_writer *w = malloc(sizeof *w);
	struct envelope env;
	char ids[3][SPOOL_ID_MAX];
	envelope_init(&env);
	for (int i = 0; i < 3; i++) {
		CHECK(spool_begin(&sp, w) == 0 && spool_put_envelope(w, &env) == 0);
		CHECK(spool_commit(w) == 0);
		memcpy(ids[i], w->id, SPOOL_ID_MAX);
	}
	struct spool_list list;
	CHECK(spool_list(&sp, &list) == 3);
	for (int i = 0; i < 3 && list.count == 3; i++)
		CHECK(strcmp(list.ids[i], ids[i]) == 0);
	spool_list_free(&list);
	free(w);
}

static void trigger_wakes_reader(void)
{
	open_spool("trigger");
	CHECK(spool_trigger(&sp) == 0);         /* nobody reading: fine */
	char path[PATH_MAX_POSTERN];
	spool_path(&sp, "trigger", NULL, path, sizeof path);
	int fd = open(path, O_RDWR | O_NONBLOCK);
	CHECK(fd >= 0);
	CHECK(spool_trigger(&sp) == 0);
	char c;
	CHECK(read(fd, &c, 1) == 1);
	close(fd);
}

static const struct check_case cases[] = {
	{ "creates_layout", creates_layout },
	{ "ids_unique_and_sorted", ids_unique_and_sorted },
	{ "committed_reads_back", committed_reads_back },
	{ "null_sender", null_sender },
	{ "killed_writer_never_in_queue", killed_writer_never_in_queue },
	{ "abort_leaves_nothing", abort_leaves_nothing },
	{ "commit_failure_leaves_nothing", commit_failure_leaves_nothing },
	{ "malformed_envelope", malformed_envelope },
	{ "list_sorted", list_sorted },
	{ "trigger_wakes_reader", trigger_wakes_reader },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
