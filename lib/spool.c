/* spool.c - the spool: tmp/ -> queue/ commit, envelopes, listing, trigger.
 * The on-disk format is postern-spool(5). */
#include "spool.h"
#include "control.h"
#include "fsutil.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

void envelope_init(struct envelope *env)
{
	memset(env, 0, sizeof *env);
	env->arrival = time(NULL);
}

int envelope_add_rcpt(struct envelope *env, const char *rcpt)
{
	struct rcpt_dsn *dsn = realloc(env->dsn, (env->rcpt_count + 1) * sizeof *dsn);
	if (!dsn)
		return -1;
	env->dsn = dsn;
	dsn[env->rcpt_count] = (struct rcpt_dsn){ 0, NULL };
	char **grown = realloc(env->rcpt, (env->rcpt_count + 1) * sizeof *grown);
	if (!grown)
		return -1;
	env->rcpt = grown;
	if (!(grown[env->rcpt_count] = strdup(rcpt)))
		return -1;
	env->rcpt_count++;
	return 0;
}

int envelope_set_dsn(struct envelope *env, size_t i, unsigned notify,
		     const char *orcpt)
{
	char *copy = orcpt ? strdup(orcpt) : NULL;
	if (orcpt && !copy)
		return -1;
	free(env->dsn[i].orcpt);
	env->dsn[i] = (struct rcpt_dsn){ notify, copy };
	return 0;
}

void envelope_free(struct envelope *env)
{
	for (size_t i = 0; i < env->rcpt_count; i++) {
		free(env->rcpt[i]);
		free(env->dsn[i].orcpt);
	}
	free(env->rcpt);
	free(env->dsn);
	env->dsn = NULL;
	env->rcpt = NULL;
	env->rcpt_count = 0;
}

int spool_path(struct spool *sp, const char *sub, const char *id,
	       char *buf, size_t size)
{
	int n = id ? snprintf(buf, size, "%s/%s/%s", sp->dir, sub, id)
		   : snprintf(buf, size, "%s/%s", sp->dir, sub);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int spool_locate(struct spool *sp, const char *dir)
{
	if (dir) {
		if ((size_t)snprintf(sp->dir, sizeof sp->dir, "%s", dir) >= sizeof sp->dir) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return 0;
	}
	return control_value("spool", sp->dir, sizeof sp->dir,
			     "/var/spool/postern") < 0 ? -1 : 0;
}

/* Create tmp/ queue/ state/ and the trigger FIFO where missing. */
static int spool_make_dirs(struct spool *sp)
{
	static const char *const subdirs[] = { "tmp", "queue", "state" };
	char path[PATH_MAX_POSTERN];
	for (size_t i = 0; i < sizeof subdirs / sizeof *subdirs; i++) {
		if (spool_path(sp, subdirs[i], NULL, path, sizeof path) < 0)
			return -1;
		if (mkdir(path, 0700) < 0 && errno != EEXIST && mkdir_p(path, 0700) < 0)
			return -1;
	}
	if (spool_path(sp, "trigger", NULL, path, sizeof path) < 0)
		return -1;
	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int spool_open(struct spool *sp, const char *dir)
{
	if (spool_locate(sp, dir) < 0)
		return -1;
	return spool_make_dirs(sp);
}

int spool_free_space(struct spool *sp, unsigned long long *avail)
{
	char path[PATH_MAX_POSTERN];
	struct statvfs fs;
	/* queue/, not the spool itself: statvfs of a spool that is a plain
	 * file would succeed; of its queue/ it fails with ENOTDIR. */
	if (spool_path(sp, "queue", NULL, path, sizeof path) < 0)
		return -1;
	if (statvfs(path, &fs) < 0) {
		if (errno != ENOENT || spool_make_dirs(sp) < 0 || statvfs(path, &fs) < 0)
			return -1;
	}
	*avail = (unsigned long long)fs.f_bavail * fs.f_frsize;
	return 0;
}

void spool_new_id(char id[SPOOL_ID_MAX])
{
	static unsigned counter;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	snprintf(id, SPOOL_ID_MAX, "%010lld%06ld.%ld.%u", (long long)tv.tv_sec,
		 (long)tv.tv_usec, (long)getpid(), counter++);
}

/* Run by root (sendmail from cron, an administrator), a new file must still
 * belong to the spool's owner, the user the runner runs as, or the runner
 * cannot read it. 0, or -1 with errno. */
static int give_to_spool_owner(const struct spool *sp, int fd)
{
	struct stat st;
	if (geteuid() != 0)
		return 0;
	if (stat(sp->dir, &st) < 0)
		return -1;
	if (st.st_uid == 0)
		return 0;
	return fchown(fd, st.st_uid, st.st_gid);
}

int spool_begin(struct spool *sp, struct spool_writer *w)
{
	w->sp = sp;
	w->error = 0;
	w->used = 0;
	w->size = 0;
	for (int tries = 0; tries < 5; tries++) {
		spool_new_id(w->id);
		if (spool_path(sp, "tmp", w->id, w->tmp_path, sizeof w->tmp_path) < 0)
			return -1;
		w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (w->fd < 0 && errno == ENOENT && spool_make_dirs(sp) == 0)
			w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (w->fd >= 0) {
			if (give_to_spool_owner(sp, w->fd) == 0)
				return 0;
			int saved = errno;
			close(w->fd);
			unlink(w->tmp_path);
			w->fd = -1;
			errno = saved;
			return -1;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int writer_flush(struct spool_writer *w)
{
	if (w->error)
		return -1;
	if (w->used && write_all(w->fd, w->buf, w->used) < 0) {
		w->error = errno;
		return -1;
	}
	w->used = 0;
	return 0;
}

static int writer_put(struct spool_writer *w, const void *p, size_t n)
{
	if (w->error)
		return -1;
	if (n > sizeof w->buf - w->used) {
		if (writer_flush(w) < 0)
			return -1;
		if (n >= sizeof w->buf) {
			if (write_all(w->fd, p, n) < 0) {
				w->error = errno;
				return -1;
			}
			return 0;
		}
	}
	memcpy(w->buf + w->used, p, n);
	w->used += n;
	return 0;
}

/* One "key value" envelope line; control characters in value become '?'
 * so that a value can never start a new line. */
static int put_field(struct spool_writer *w, const char *key, const char *value)
{
	char line[ENVELOPE_LINE_MAX + 8];
	int n = snprintf(line, sizeof line, "%s %s\n", key, value);
	if (n < 0 || (size_t)n >= sizeof line) {
		w->error = EINVAL;
		return -1;
	}
	for (char *p = line + strlen(key) + 1; p < line + n - 1; p++)
		if ((unsigned char)*p < ' ' || *p == 127)
			*p = '?';
	return writer_put(w, line, (size_t)n);
}

/* The words of the DSN_NOTIFY_* bits, in bit order. */
static const char *const notify_names[] = { "never", "success", "failure", "delay" };

/* "success,failure,delay" or "never" for NOTIFY bits. */
static void notify_words(unsigned notify, char *buf, size_t size)
{
	const char *const *words = notify_names;
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < 4; i++)
		if (notify & (1u << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", words[i]);
}

int spool_put_envelope(struct spool_writer *w, const struct envelope *env)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)env->arrival);
	put_field(w, "arrival", num);
	put_field(w, "sender", env->sender[0] ? env->sender : "<>");
	for (size_t i = 0; i < env->rcpt_count; i++) {
		put_field(w, "recipient", env->rcpt[i]);
		if (env->dsn[i].notify) {
			notify_words(env->dsn[i].notify, num, sizeof num);
			put_field(w, "notify", num);
		}
		if (env->dsn[i].orcpt)
			put_field(w, "orcpt", env->dsn[i].orcpt);
	}
	if (env->ret)
		put_field(w, "ret", env->ret == 'H' ? "hdrs" : "full");
	if (env->envid[0])
		put_field(w, "envid", env->envid);
	if (env->client[0])
		put_field(w, "client", env->client);
	if (env->helo[0])
		put_field(w, "helo", env->helo);
	if (env->auth[0])
		put_field(w, "auth", env->auth);
	if (env->smtputf8)
		put_field(w, "smtputf8", "yes");
	if (env->eightbit)
		put_field(w, "body", env->binarymime ? "binarymime" : "8bitmime");
	return writer_put(w, "\n", 1);
}

int spool_put(struct spool_writer *w, const void *p, size_t n)
{
	if (writer_put(w, p, n) < 0)
		return -1;
	w->size += (off_t)n;
	return 0;
}

int spool_commit(struct spool_writer *w)
{
	char queue_path[PATH_MAX_POSTERN];
	int saved;
	if (writer_flush(w) < 0 ||
	    spool_path(w->sp, "queue", w->id, queue_path, sizeof queue_path) < 0)
		goto fail;
	int fd = w->fd;
	w->fd = -1;
	/* the one commit (fsutil.h): nothing is left on failure */
	return file_commit(fd, AT_FDCWD, w->tmp_path, AT_FDCWD, queue_path);
fail:
	saved = w->error ? w->error : errno;
	spool_abort(w);
	errno = saved;
	return -1;
}

void spool_abort(struct spool_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	unlink(w->tmp_path);
}

/* "notify WORDS" or "orcpt VALUE": for the recipient just read. */
static int dsn_field(struct envelope *env, const char *key, char *value)
{
	if (env->rcpt_count == 0)
		return -1;
	struct rcpt_dsn *d = &env->dsn[env->rcpt_count - 1];
	if (strcmp(key, "orcpt") == 0)
		return envelope_set_dsn(env, env->rcpt_count - 1, d->notify, value);
	for (char *w = strtok(value, ","); w; w = strtok(NULL, ","))
		for (unsigned i = 0; i < 4; i++)
			if (strcmp(w, notify_names[i]) == 0)
				d->notify |= 1u << i;
	return 0;
}

/* Apply one envelope line to env. 0, or -1 when malformed. */
static int parse_field(struct envelope *env, char *line)
{
	char *value = strchr(line, ' ');
	if (!value)
		return -1;
	*value++ = '\0';
	if (strcmp(line, "arrival") == 0) {
		char *end;
		env->arrival = (time_t)strtoll(value, &end, 10);
		return *end ? -1 : 0;
	}
	if (strcmp(line, "sender") == 0) {
		if (strcmp(value, "<>") == 0)
			value = "";
		snprintf(env->sender, sizeof env->sender, "%s", value);
		return 0;
	}
	if (strcmp(line, "recipient") == 0)
		return envelope_add_rcpt(env, value);
	if (strcmp(line, "notify") == 0 || strcmp(line, "orcpt") == 0)
		return dsn_field(env, line, value);
	if (strcmp(line, "ret") == 0)
		env->ret = strcmp(value, "hdrs") == 0 ? 'H' : 'F';
	else if (strcmp(line, "envid") == 0)
		snprintf(env->envid, sizeof env->envid, "%s", value);
	else if (strcmp(line, "client") == 0)
		snprintf(env->client, sizeof env->client, "%s", value);
	else if (strcmp(line, "helo") == 0)
		snprintf(env->helo, sizeof env->helo, "%s", value);
	else if (strcmp(line, "auth") == 0)
		snprintf(env->auth, sizeof env->auth, "%s", value);
	else if (strcmp(line, "smtputf8") == 0)
		env->smtputf8 = 1;
	else if (strcmp(line, "body") == 0) {
		env->binarymime = strcmp(value, "binarymime") == 0;
		env->eightbit = env->binarymime || strcmp(value, "8bitmime") == 0;
	}
	return 0;       /* unknown keys are for later versions: ignored */
}

int spool_read_envelope(struct spool *sp, const char *id,
			struct envelope *env, off_t *message_offset)
{
	char path[PATH_MAX_POSTERN], line[ENVELOPE_LINE_MAX + 2];
	envelope_init(env);
	if (spool_path(sp, "queue", id, path, sizeof path) < 0)
		return -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int ended = 0, bad = 0;
	while (!ended && !bad && fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n') {
			bad = 1;
			break;
		}
		line[n - 1] = '\0';
		if (line[0] == '\0')
			ended = 1;
		else if (parse_field(env, line) < 0)
			bad = 1;
	}
	if (ended && message_offset)
		*message_offset = ftello(f);
	fclose(f);
	if (!ended || bad) {
		envelope_free(env);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int spool_list(struct spool *sp, struct spool_list *list)
{
	char path[PATH_MAX_POSTERN];
	list->count = 0;
	list->ids = NULL;
	if (spool_path(sp, "queue", NULL, path, sizeof path) < 0)
		return -1;
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char **grown = realloc(list->ids, (list->count + 1) * sizeof *grown);
		if (!grown || !(grown[list->count] = strdup(de->d_name))) {
			if (grown)
				list->ids = grown;
			closedir(d);
			spool_list_free(list);
			return -1;
		}
		list->ids = grown;
		list->count++;
	}
	closedir(d);
	if (list->count)
		qsort(list->ids, list->count, sizeof *list->ids, compare_ids);
	return (int)list->count;
}

void spool_list_free(struct spool_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->ids[i]);
	free(list->ids);
	list->ids = NULL;
	list->count = 0;
}

int spool_trigger(struct spool *sp)
{
	char path[PATH_MAX_POSTERN];
	if (spool_path(sp, "trigger", NULL, path, sizeof path) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENXIO ? 0 : -1;    /* ENXIO: no runner reading */
	ssize_t w = write(fd, "x", 1);
	int saved = errno;
	close(fd);
	if (w < 0 && saved != EAGAIN) {         /* EAGAIN: already woken */
		errno = saved;
		return -1;
	}
	return 0;
}
