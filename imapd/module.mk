IMAPD_SRCS := $(wildcard imapd/*.c)
IMAPD_OBJS := $(IMAPD_SRCS:.c=.o)
PROGRAMS += imapd/imapd
MODULE_OBJS += $(IMAPD_OBJS)
imapd/imapd: $(IMAPD_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
