# shellcheck shell=bash
# The applications the bridge tests run the frameworks' own commands in
# (tests/bridge_app_*.phpt): each made with Composer from the registry, as a
# user makes one, under .work/bridge-apps/FRAMEWORK-VERSION, with its bridge
# installed as the README says: through a Composer path repository to this
# checkout, or through an artifact repository holding the release zip
# (bridges/release.php). Sourced by ./dev, which sets ROOT, WORK and say().
#
# Composer's downloads are cached in .work/composer-cache, a cache for each
# application: the applications are made at once, and Composer's cache is not
# safe for processes that write it together (two that make one folder at
# once fail: "does not exist and could not be created"). An application is
# made again only when its recipe, its bridge's composer.json or (artifact)
# the zip changed, so a second run asks the registry for nothing. The
# overlay (tests/bridge_apps/FRAMEWORK/) and the README's configuration are
# put in place at every run: that costs no download.

# framework:version:how. The newest of each framework installs the release
# zip, the others the checkout.
BRIDGE_APPS=(laravel:10:path laravel:11:path laravel:12:artifact symfony:6.4:path symfony:7.4:artifact)
# Bump when the way an application is made changes: each is made again.
BRIDGE_APPS_RECIPE=1

# Composer with the extension enabled, as the README asks (the bridges
# require ext-beanstalk), its cache the application's own in .work
# ($app_cache, set by bridge_app), without the security audit (a request to
# the registry that installs nothing).
bridge_composer() {
	COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_CACHE_DIR="$WORK/composer-cache/${app_cache:?}" COMPOSER_NO_AUDIT=1 \
		php -d "extension=$ROOT/modules/beanstalk.so" "$(command -v composer)" --no-interaction "$@"
}

bridge_package() {
	case $1 in
	laravel) echo beanstalk/laravel-queue ;;
	symfony) echo beanstalk/symfony-messenger ;;
	esac
}

# Makes .work/bridge-apps/laravel-$1: the laravel/laravel skeleton of that
# major version, without its development tools (Laravel 12's need a newer
# PHP than Debian 12's), on an SQLite database for the failed jobs and the
# batches, migrated.
bridge_app_create_laravel() {
	local ver=$1 dir=$2
	# From a folder of its own: create-project downloads into ./vendor of
	# the folder it runs in, which another application's may share.
	mkdir -p "$dir.new"
	(cd "$dir.new" && bridge_composer create-project "laravel/laravel:^$ver" "$dir" --no-install --no-scripts --quiet) || return 1
	rm -rf "$dir.new"
	php -r '$f = $argv[1]; $c = json_decode(file_get_contents($f)); unset($c->{"require-dev"});
		file_put_contents($f, json_encode($c, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");' "$dir/composer.json"
	(
		cd "$dir" || exit 1
		bridge_composer update --no-progress || exit 1
		cp .env.example .env
		touch database/database.sqlite
		sed -i -E '/^#? *DB_(HOST|PORT|DATABASE|USERNAME|PASSWORD)=/d; s/^DB_CONNECTION=.*/DB_CONNECTION=sqlite/' .env
		echo "DB_DATABASE=$dir/database/database.sqlite" >>.env
		php artisan key:generate --no-interaction || exit 1
		grep -q job_batches database/migrations/*.php || php artisan queue:batches-table --no-interaction || exit 1
		php artisan migrate --force --no-interaction || exit 1
	)
}

# Makes .work/bridge-apps/symfony-$1: a kernel with framework-bundle,
# console and messenger of that version (symfony/skeleton needs Flex, which
# downloads its recipes from a server of its own).
bridge_app_create_symfony() {
	local ver=$1 dir=$2 p deps=()
	mkdir -p "$dir"
	for p in console dotenv framework-bundle messenger yaml; do
		deps+=("\"symfony/$p\": \"$ver.*\"")
	done
	cat >"$dir/composer.json" <<JSON
{
    "type": "project",
    "require": {
        "php": ">=8.2",
        $(IFS=,; echo "${deps[*]}" | sed 's/,/,\n        /g')
    },
    "autoload": { "psr-4": { "App\\\\": "src/" } },
    "config": { "sort-packages": true }
}
JSON
	printf 'APP_ENV=prod\nAPP_DEBUG=0\nAPP_SECRET=%s\n' "$(php -r 'echo bin2hex(random_bytes(16));')" >"$dir/.env"
	(cd "$dir" && bridge_composer update --no-progress)
}

# Installs the bridge into the application as the README says: $3 is path
# (a path repository to bridges/FRAMEWORK of this checkout) or artifact (an
# artifact repository, a folder holding the release zip $4).
bridge_app_install() {
	local fw=$1 dir=$2 how=$3 zip=${4:-} pkg
	pkg=$(bridge_package "$fw")
	(
		cd "$dir" || exit 1
		rm -rf "vendor/$pkg"
		if [ "$how" = path ]; then
			bridge_composer config repositories.beanstalk path "$ROOT/bridges/$fw" || exit 1
			bridge_composer require --no-progress "$pkg:*@dev"
		else
			rm -rf artifacts && mkdir artifacts && cp "$zip" artifacts/
			bridge_composer config repositories.beanstalk artifact artifacts || exit 1
			bridge_composer require --no-progress "$pkg:^$(version | cut -d. -f1,2)"
		fi
	)
}

# Makes or brings up to date one application; $1 is framework:version:how.
bridge_app() {
	local fw ver how
	IFS=: read -r fw ver how <<<"$1"
	local dir="$WORK/bridge-apps/$fw-$ver" zip= app_key bridge_key app_cache="$fw-$ver"
	[ "$how" = artifact ] && zip="$WORK/bridge-release/$(bridge_package "$fw" | tr / -)-$(version).zip"
	app_key="$BRIDGE_APPS_RECIPE $fw $ver"
	bridge_key="$how $(sha256sum "$ROOT/bridges/$fw/composer.json" ${zip:+"$zip"} | awk '{ print $1 }' | tr '\n' ' ')"
	local stamp="$dir/.bridge-app"
	if [ "$(sed -n 1p "$stamp" 2>/dev/null)" != "$app_key" ]; then
		say "bridge app $fw $ver: composer (log: .work/bridge-apps/$fw-$ver.log)"
		rm -rf "$dir"
		"bridge_app_create_$fw" "$ver" "$dir" >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; return 1; }
		printf '%s\n\n' "$app_key" >"$stamp"
	fi
	if [ "$(sed -n 2p "$stamp")" != "$bridge_key" ]; then
		say "bridge app $fw $ver: installing $(bridge_package "$fw") ($how)"
		bridge_app_install "$fw" "$dir" "$how" "$zip" >>"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; return 1; }
		printf '%s\n%s\n' "$app_key" "$bridge_key" >"$stamp"
	fi
	cp -r "$ROOT/tests/bridge_apps/$fw/." "$dir/"
	rm -rf "$dir/var/cache"
	php "$ROOT/tests/bridge_apps/configure.php" "$fw" "$dir"
}

# ./dev bridge-apps, and ./dev test's part bridge-apps: every application
# made or brought up to date, each in a process of its own (Composer mostly
# waits for the registry); the tests of one that failed skip.
bridge_apps() {
	local i pids=() ok=1
	mkdir -p "$WORK/bridge-apps"
	php "$ROOT/bridges/release.php" "$WORK/bridge-release" "$(version)" >/dev/null || return 1
	for i in "${!BRIDGE_APPS[@]}"; do
		bridge_app "${BRIDGE_APPS[$i]}" &
		pids[i]=$!
	done
	for i in "${!BRIDGE_APPS[@]}"; do
		wait "${pids[$i]}" || { echo "bridge app ${BRIDGE_APPS[$i]}: failed" >&2; ok=0; }
	done
	return $(( 1 - ok ))
}
