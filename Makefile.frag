# The reply lexer is generated from src/proto.re. A release tarball carries
# src/proto.c, so building from it does not need re2c.
$(srcdir)/src/proto.c: $(srcdir)/src/proto.re
	@if test -n "$(RE2C)"; then \
		$(RE2C) -W --no-generation-date -o $@ $(srcdir)/src/proto.re; \
	else \
		echo "re2c not found: using the shipped src/proto.c"; touch $@; \
	fi
