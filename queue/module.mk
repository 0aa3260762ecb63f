# queue/ - the runner, sendmail and postern-queue (issue 4).
# The root Makefile defines "all" after including the modules: keep it the
# default goal whatever target a module.mk defines first.
QUEUE_RUNNER_OBJS := queue/runner.o queue/scan.o queue/jobs.o queue/idset.o \
	queue/state.o queue/journal.o queue/jobspec.o queue/domains.o queue/pacing.o \
	queue/aliases.o queue/bounce.o \
	queue/msgtext.o
# postern-deliver: what the runner spawns per job (issue 17: spawned, not
# a fork of the runner), linked like the per-connection servers (static,
# musl when present): it starts once per job.
QUEUE_DELIVER_OBJS := queue/deliver.o queue/jobspec.o queue/state.o queue/journal.o \
	queue/delivery.o queue/deliver_local.o queue/local_header.o queue/smtp_client.o \
	queue/smtp_wire.o queue/smtp_tls.o queue/smtp_body.o queue/mime7bit.o queue/mx.o queue/msgtext.o
QUEUE_SENDMAIL_OBJS := queue/sendmail.o queue/msgtext.o queue/addrlist.o
QUEUE_ADMIN_OBJS := queue/postern_queue.o queue/queue_stats.o queue/state.o queue/domains.o \
	queue/aliases.o
PROGRAMS += queue/runner queue/postern-deliver queue/sendmail queue/postern-queue
MODULE_OBJS += $(sort $(QUEUE_RUNNER_OBJS) $(QUEUE_DELIVER_OBJS) $(QUEUE_SENDMAIL_OBJS) \
	$(QUEUE_ADMIN_OBJS))

$(eval $(call server,queue/postern-deliver,$(QUEUE_DELIVER_OBJS)))

queue/runner: $(QUEUE_RUNNER_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

queue/sendmail: $(QUEUE_SENDMAIL_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

queue/postern-queue: $(QUEUE_ADMIN_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
