# The phpt suite on PHP builds other than Debian's, sourced by ./dev (it uses
# dev's say, record, run_phpt, $ROOT, $WORK and the run's beanstalkd).
#
# A variant is PHP 8.2 built from Debian's source package by
# scripts/php-build.sh (debug-zts, release-zts, debug-nts), cached outside
# the clone. For each, the extension is built against it in
# .work/variant/NAME (-Wall -Wextra, warnings counted), loaded once (a
# module that does not load fails the variant: the suite does not run, so
# nothing can pass by skipping), and the suite runs with that PHP, its
# php-fpm and, on ZTS, its libphp in Apache's event MPM. The variant fails
# on any failed test, on a test that must run there but skipped, and on any
# leak report or failed assertion of a debug build, in the tests' output or
# in any child's log (tests/server.inc's bs_keep_log() copies them to
# .work/variant/NAME/children).

# The tests a variant must run, not skip: the web servers of the PHP under
# test (its php-fpm; its libphp on ZTS).
VARIANT_MUST_RUN=(persistent_fpm put_async_fpm)
VARIANT_MUST_RUN_ZTS=(apache_event_zts)

# What a debug build says of a fault of the code it ran (the same as
# tests/server.inc's bs_debug_reports()).
DEBUG_REPORTS='memory leaks? detected|Assertion .* failed|zend_mm_heap corrupted|Freeing 0x[0-9a-f]+ \([0-9]+ bytes\), script='

# Rows of ./dev matrix: "variant warnings passed failed skipped php-build-seconds suite-seconds".
matrix_row() { echo "$*" >>"$WORK/matrix"; }

# Builds the extension from this tree against PHP in $2 (its prefix), in
# directory $1, with the developers' warnings (-Wall -Wextra -Werror);
# prints the number of warnings (0: a warning fails the build, and is
# counted and shown).
variant_build_ext() {
	local dir=$1 prefix=$2
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	(cd "$ROOT" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
		[ -f "$f" ] && printf '%s\0' "$f"
	done | xargs -0 cp --parents -t "$dir/src")
	if ! (cd "$dir/src" && "$prefix/bin/phpize" && ./configure --with-php-config="$prefix/bin/php-config" \
		--enable-beanstalk --enable-beanstalk-dev && make -j"$(nproc)") >"$dir/build.log" 2>&1; then
		grep -E 'error:|warning:|Error [0-9]' "$dir/build.log" | head -20 >&2
		grep -c '\[-Werror' "$dir/build.log" >&2 || true
		return 1
	fi
	grep -c 'warning:' "$dir/build.log" || true
}

# ./dev test's and ./dev matrix's part for variant $1.
variant_part() {
	local name=$1 dir="$WORK/variant/$1" prefix start built warnings
	start=$(date +%s)
	mkdir -p "$dir"
	say "PHP 8.2 $name: the build (cached in ${BEANSTALK_PHP_CACHE:-~/.cache/beanstalk-php})"
	if ! prefix=$("$ROOT/scripts/php-build.sh" "$name"); then
		record "$name" 0 1 0
		matrix_row "$name" - 0 1 0 "$(( $(date +%s) - start ))" 0
		return
	fi
	built=$(( $(date +%s) - start ))
	# A cached build: the time it took when it was made.
	[ "$built" -lt 10 ] && [ -f "$prefix/.build-seconds" ] && built="cached:$(cat "$prefix/.build-seconds")"
	"$prefix/bin/php" -n -v | head -1
	say "PHP 8.2 $name: the extension (log: .work/variant/$name/build.log)"
	if ! warnings=$(variant_build_ext "$dir" "$prefix" 2>"$dir/build-errors.txt"); then
		cat "$dir/build-errors.txt" >&2
		record "$name" 0 1 0
		matrix_row "$name" "$(tail -1 "$dir/build-errors.txt")" 0 1 0 "$built" 0
		return
	fi
	[ "$warnings" -eq 0 ] || grep 'warning:' "$dir/build.log" | head -20 >&2
	local ext=(-n -d "extension_dir=$dir/src/modules" -d extension=beanstalk.so)
	say "PHP 8.2 $name: the module loads"
	if ! "$prefix/bin/php" "${ext[@]}" -r 'exit(extension_loaded("beanstalk") ? 0 : 1);'; then
		echo "$name: beanstalk.so does not load into this PHP; the suite is not run" >&2
		record "$name-load" 0 1 0
		matrix_row "$name" "$warnings" 0 1 0 "$built" 0
		return
	fi
	record "$name-load" 1 0 0

	say "PHP 8.2 $name: phpt suite"
	local suite_start children="$dir/children"
	suite_start=$(date +%s)
	rm -rf "$children" "$dir/tmp"
	mkdir -p "$children" "$dir/tmp"
	# Debian's include_path (/usr/share/php: the frameworks of the bridge
	# tests) is passed through; TMPDIR keeps the children's scratch apart. A
	# test may take 5 minutes (run-tests' default is 1): a framework
	# application's scenario on a debug build, whose PHP runs unoptimised.
	TMPDIR="$dir/tmp" BS_CHILD_LOGS="$children" PHPT_PHP="$prefix/bin/php" PHPT_RUNNER="$dir/src/run-tests.php" \
		PHPT_EXT_DIR="$dir/src/modules" run_phpt "$name" -j2 --set-timeout 300 -d include_path=.:/usr/share/php
	local log="$WORK/phpt-$name.log" extra=0 t plain="$WORK/phpt-$name.plain"
	sed 's/\x1b\[[0-9;]*m//g' "$log" >"$plain"   # without run-tests' colours
	local must=("${VARIANT_MUST_RUN[@]}")
	[[ $name == *zts* ]] && must+=("${VARIANT_MUST_RUN_ZTS[@]}")
	for t in "${must[@]}"; do
		if ! grep -qE "PASS .*\[tests/$t\.phpt\]" "$plain"; then
			echo "$name: tests/$t.phpt must run and pass on this build: $(grep -oE "(FAIL|SKIP|BORK|WARN).*\[tests/$t\.phpt\].*" "$plain" | head -1)" >&2
			extra=$(( extra + 1 ))
		fi
	done
	# Leak reports and failed assertions anywhere: the run's log, the
	# tests' output, every child's log.
	local found
	found=$( { grep -lE "$DEBUG_REPORTS" "$log" "$ROOT"/tests/*.out 2>/dev/null; grep -rlE "$DEBUG_REPORTS" "$children" "$dir/tmp" 2>/dev/null; } || true)
	if [ -n "$found" ]; then
		echo "$name: leak or assertion reports in:" >&2
		local f
		for f in $found; do
			echo "  $f" >&2
			grep -m3 -E "$DEBUG_REPORTS" "$f" | sed 's/^/    /' >&2
		done
		extra=$(( extra + $(wc -l <<<"$found") ))
	fi
	echo "$name: $(find "$children" -type f | wc -l) child logs scanned"
	if [ "$extra" -gt 0 ]; then
		echo "$name-checks 0 $extra 0" >>"$WORK/results"
	else
		echo "$name-checks 1 0 0" >>"$WORK/results"
	fi
	local row
	row=$(awk -v n="$name" '$1 == n { print $2, $3, $4 }' "$WORK/results" | tail -1)
	read -r p f s <<<"$row"
	matrix_row "$name" "$warnings" "$p" $(( f + extra )) "$s" "$built" "$(( $(date +%s) - suite_start ))"
}

# ./dev matrix: Debian's PHP (release NTS) and the three variants, then a table.
matrix() {
	: >"$WORK/matrix"
	local start warnings
	start=$(date +%s)
	warnings=$(grep -c 'warning:' "$WORK/make.log" || true)
	say "Debian's PHP 8.2 (release NTS): phpt suite"
	run_phpt debian -j2
	read -r p f s <<<"$(awk '$1 == "debian" { print $2, $3, $4 }' "$WORK/results" | tail -1)"
	matrix_row debian-release-nts "$warnings" "$p" "$f" "$s" package "$(( $(date +%s) - start ))"
	local v
	for v in debug-zts release-zts debug-nts; do
		variant_part "$v"
	done
	matrix_table
}

matrix_table() {
	printf '\n| variant | PHP build (s) | warnings | passed | failed | skipped | suite (s) |\n|---|---|---|---|---|---|---|\n'
	awk '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $6, $2, $3, $4, $5, $7 }' "$WORK/matrix"
	echo
}
