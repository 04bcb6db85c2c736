# The reply lexer is generated from src/proto/proto.re. A release tarball carries
# src/proto/proto.c, newer than src/proto/proto.re, so building from it needs no re2c.
# re2c runs in the source directory so that its #line directives name
# src/proto/proto.re by the path in the tree.
$(srcdir)/src/proto/proto.c: $(srcdir)/src/proto/proto.re
	@if test -n "$(RE2C)"; then \
		(cd $(srcdir) && $(RE2C) -W --no-generation-date -o src/proto/proto.c src/proto/proto.re) && chmod a+r $@; \
	else \
		echo "src/proto/proto.re is newer than src/proto/proto.c, and configure found no re2c to make it again:" >&2; \
		echo "install re2c and run configure again (or undo the change to src/proto/proto.re)" >&2; \
		exit 1; \
	fi
