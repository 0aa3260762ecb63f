/* idset.c - a set of queue IDs (open addressing, FNV-1a). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runner.h"

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static size_t find(const struct idset *s, const char *id)
{
	size_t i = hash(id) & (s->size - 1);
	while (s->slot[i] && strcmp(s->slot[i], id) != 0)
		i = (i + 1) & (s->size - 1);
	return i;
}

int idset_has(const struct idset *s, const char *id)
{
	return s->size && s->slot[find(s, id)] != NULL;
}

static int grow(struct idset *s)
{
	size_t n = s->size ? s->size * 2 : 256;
	struct idset bigger = { 0, n, calloc(n, sizeof(char *)) };
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < s->size; i++)
		if (s->slot[i])
			bigger.slot[find(&bigger, s->slot[i])] = s->slot[i];
	bigger.count = s->count;
	free(s->slot);
	*s = bigger;
	return 0;
}

int idset_add(struct idset *s, const char *id)
{
	if ((s->count + 1) * 2 > s->size && grow(s) < 0)
		return -1;
	size_t i = find(s, id);
	if (s->slot[i])
		return 0;
	s->slot[i] = strdup(id);
	if (!s->slot[i])
		return -1;
	s->count++;
	return 0;
}

void idset_free(struct idset *s)
{
	for (size_t i = 0; i < s->size; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof *s);
}
