HTTPD_SRCS := $(wildcard httpd/*.c)
HTTPD_OBJS := $(HTTPD_SRCS:.c=.o)
PROGRAMS += httpd/httpd httpd/postern-token
MODULE_OBJS += $(HTTPD_OBJS)
httpd/httpd: $(filter-out httpd/token_main.o,$(HTTPD_OBJS)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
httpd/postern-token: httpd/token_main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
