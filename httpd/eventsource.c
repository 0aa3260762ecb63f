/* eventsource.c - push (RFC 8620 §7.3): GET /jmap/eventsource?types=
 * &closeafter=&ping= answers text/event-stream and sends a "state" event
 * (a StateChange object, §7.1) whenever the state of a data type of the
 * account changes, and a "ping" event every ping seconds (§7.3: the
 * server may raise a small value; at most EVENTSOURCE_PING_MAX). The
 * states are polled every EVENTSOURCE_POLL_MS; the stream ends when the
 * client goes, after a state event when closeafter=state, or after
 * EVENTSOURCE_MAX_SECONDS (a client reconnects, §7.3). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "httpd.h"
#include "jmap.h"
#include "json.h"
#include "log.h"

/* One StateChange for the types that changed between old and now (both
 * objects "type": "state"), limited to the wanted types ("*": all). */
static int state_event(struct server *s, const struct json *old,
		       const struct json *now, const char *types)
{
	struct bytes ev;
	struct json_writer w;
	int any = 0;
	bytes_init(&ev, 65536);
	json_writer_init(&w, &ev);
	json_object_begin(&w);
	json_key(&w, "@type");
	json_str(&w, "StateChange");
	json_key(&w, "changed");
	json_object_begin(&w);
	json_key(&w, s->account);
	json_object_begin(&w);
	for (const struct json *t = now->child; t; t = t->next) {
		const struct json *o = json_get(old, t->key);
		if (o && json_string(o) && !strcmp(o->str, t->str))
			continue;
		if (strcmp(types, "*") && !strstr(types, t->key))
			continue;
		json_key(&w, t->key);
		json_str(&w, t->str);
		any = 1;
	}
	json_end(&w);
	json_end(&w);
	json_end(&w);
	if (any && !w.error)
		output_printf(&s->out, "event: state\ndata: %s\n\n", ev.data);
	bytes_free(&ev);
	return any;
}

static long param_number(struct server *s, const char *key, long dflt)
{
	struct bytes v;
	bytes_init(&v, 32);
	long n = dflt;
	if (s->req.query && http_param(s->req.query, strlen(s->req.query), key,
				       &v) == 1 && v.len)
		n = strtol(v.data, NULL, 10);
	bytes_free(&v);
	return n;
}

void route_eventsource(struct server *s)
{
	struct bytes types, close_after, was, is;
	struct mime_arena a;
	const char *why;
	bytes_init(&types, 1024);
	bytes_init(&close_after, 16);
	bytes_init(&was, 65536);
	bytes_init(&is, 65536);
	mime_arena_init(&a);
	const char *q = s->req.query ? s->req.query : "";
	if (http_param(q, strlen(q), "types", &types) != 1 || !types.len)
		bytes_set(&types, "*", 1);
	http_param(q, strlen(q), "closeafter", &close_after);
	long ping = param_number(s, "ping", 0);
	if (ping > EVENTSOURCE_PING_MAX)
		ping = EVENTSOURCE_PING_MAX;
	response_start(s, 200, "text/event-stream");
	response_header(s, "Cache-Control: no-cache");
	jmap_type_states(s, &was);
	if (response_send_head(s) < 0)
		goto done;
	time_t start = time(NULL), last_ping = start;
	while (time(NULL) - start < EVENTSOURCE_MAX_SECONDS) {
		int r = input_wait(&s->in, EVENTSOURCE_POLL_MS);
		if (r != 0)
			break;          /* the client sent something or left */
		bytes_clear(&is);
		jmap_type_states(s, &is);
		const struct json *old = json_parse(was.data, was.len, &a, &why);
		const struct json *now = json_parse(is.data, is.len, &a, &why);
		int changed = old && now && state_event(s, old, now, types.data);
		int sent = changed;
		mime_arena_free(&a);
		bytes_set(&was, is.data, is.len);
		if (ping > 0 && time(NULL) - last_ping >= ping) {
			output_printf(&s->out, "event: ping\ndata: {\"interval\":"
				      "%ld}\n\n", ping);
			last_ping = time(NULL);
			sent = 1;
		}
		if (sent && output_flush(&s->out) < 0)
			break;
		if (changed && !strcmp(bytes_str(&close_after), "state"))
			break;
	}
done:
	bytes_free(&types);
	bytes_free(&close_after);
	bytes_free(&was);
	bytes_free(&is);
	mime_arena_free(&a);
}
