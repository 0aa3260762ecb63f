SMTPD_SRCS := $(wildcard smtpd/*.c)
SMTPD_OBJS := $(SMTPD_SRCS:.c=.o)
PROGRAMS += smtpd/smtpd
MODULE_OBJS += $(SMTPD_OBJS)
smtpd/smtpd: $(SMTPD_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
