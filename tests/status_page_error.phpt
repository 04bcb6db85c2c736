--TEST--
tools/status.php probed as an attacker would: BEANSTALK_STATUS_READONLY makes the page read-only for every value but "", "0" and the words for no (a POST with the page's own token is refused, the tube stays unpaused); a POST to //evil.example/x, /\evil.example/x or ///evil.example/x redirects to the page itself, never to another host
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (getenv('USE_ZEND_ALLOC') === '0') die('skip php -S would run under valgrind: the page is PHP code');
?>
--FILE--
<?php
require __DIR__ . '/browser.inc';

$server = bs_server();
$tube = bs_tube('status_page_error');
(new Beanstalk\Queue($server))->useTube($tube)->put('x');

/** The page's session cookie and CSRF token, from a GET of $url. */
function session_of(string $url): array
{
    [, $headers, $body] = bs_http('GET', $url);
    preg_match('/beanstalk_status=[0-9a-zA-Z,-]+/', implode(';', $headers['set-cookie'] ?? []), $cookie);
    preg_match('/name="csrf" value="([0-9a-f]{64})"/', $body, $token);
    return [$cookie[0] ?? '', $token[1] ?? '', substr_count($body, '<form')];
}

/** A pause of the test's tube posted to $path, byte for byte as given, with
 * the session and token of a GET of the page: [status, headers, body]. */
function post_pause(BsStatusPage $page, string $path = '/'): array
{
    global $tube;
    [$cookie, $token] = session_of($page->url);
    $form = http_build_query(['csrf' => $token, 'action' => 'pause', 'server' => 0, 'tube' => $tube, 'seconds' => 600]);
    $host = parse_url($page->url, PHP_URL_HOST) . ':' . parse_url($page->url, PHP_URL_PORT);
    $s = stream_socket_client("tcp://$host", $errno, $errstr, 5);
    stream_set_timeout($s, 20);
    fwrite($s, "POST $path HTTP/1.0\r\nHost: $host\r\nCookie: $cookie\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        . 'Content-Length: ' . strlen($form) . "\r\n\r\n$form");
    [$head, $body] = explode("\r\n\r\n", stream_get_contents($s), 2) + [1 => ''];
    fclose($s);
    $lines = explode("\r\n", $head);
    $headers = [];
    foreach (array_slice($lines, 1) as $line) {
        [$k, $v] = explode(':', $line, 2) + [1 => ''];
        $headers[strtolower($k)][] = trim($v);
    }
    return [(int)(explode(' ', $lines[0])[1] ?? 0), $headers, $body];
}

function paused(): int
{
    global $server, $tube;
    return (int)bs_stats($server, "stats-tube $tube")['pause'];
}

function resume(): void
{
    global $server, $tube;
    (new Beanstalk\Queue($server))->pauseTube($tube, 0);
}

echo "-- BEANSTALK_STATUS_READONLY\n";
foreach (['2', 'enabled', 'y', 'readonly', 'yes', 'on', 'TRUE', ' 1 ', 'nope', '', '0', 'false', 'Off', 'NO', null] as $value) {
    $page = new BsStatusPage(['BEANSTALK_SERVERS' => $server] + ($value === null ? [] : ['BEANSTALK_STATUS_READONLY' => $value]));
    [, , $forms] = session_of($page->url);
    [$status, , $body] = post_pause($page);
    printf("%-10s forms %d, POST %d%s, paused %d s\n", $value === null ? 'unset' : json_encode($value), $forms, $status,
        str_contains($body, 'read-only') ? ' (read-only)' : '', paused());
    resume();
}

echo "-- the redirect after a POST\n";
$page = new BsStatusPage(['BEANSTALK_SERVERS' => $server]);
foreach (['/', '/status.php', '//evil.example/x', '/\\evil.example/x', '/%09/evil.example/x', '///evil.example/x', '/./%2F%2Fevil.example'] as $path) {
    [$status, $headers] = post_pause($page, $path);
    $location = $headers['location'][0] ?? '(none)';
    // Where a browser goes: a reference with no scheme and no "//" (a
    // browser reads "\" as "/" and drops tabs) stays on this host.
    $elsewhere = preg_match('#^\s*([a-z][a-z0-9+.-]*:|[/\\\\]\s*[/\\\\])#i', $location);
    printf("%-26s %d, Location: %s%s, paused %d s\n", json_encode($path, JSON_UNESCAPED_SLASHES), $status, $location, $elsewhere ? ' (ANOTHER HOST)' : '', paused());
    resume();
}
echo "server errors: ", preg_match('/PHP (Warning|Fatal|Notice|Deprecated)/', $page->log()) ? $page->log() : 'none', "\n";
?>
--EXPECT--
-- BEANSTALK_STATUS_READONLY
"2"        forms 0, POST 403 (read-only), paused 0 s
"enabled"  forms 0, POST 403 (read-only), paused 0 s
"y"        forms 0, POST 403 (read-only), paused 0 s
"readonly" forms 0, POST 403 (read-only), paused 0 s
"yes"      forms 0, POST 403 (read-only), paused 0 s
"on"       forms 0, POST 403 (read-only), paused 0 s
"TRUE"     forms 0, POST 403 (read-only), paused 0 s
" 1 "      forms 0, POST 403 (read-only), paused 0 s
"nope"     forms 0, POST 403 (read-only), paused 0 s
""         forms 5, POST 303, paused 600 s
"0"        forms 5, POST 303, paused 600 s
"false"    forms 5, POST 303, paused 600 s
"Off"      forms 5, POST 303, paused 600 s
"NO"       forms 5, POST 303, paused 600 s
unset      forms 5, POST 303, paused 600 s
-- the redirect after a POST
"/"                        303, Location: /, paused 600 s
"/status.php"              303, Location: /status.php, paused 600 s
"//evil.example/x"         303, Location: ?, paused 600 s
"/\\evil.example/x"        303, Location: ?, paused 600 s
"/%09/evil.example/x"      303, Location: /%09/evil.example/x, paused 600 s
"///evil.example/x"        303, Location: ?, paused 600 s
"/./%2F%2Fevil.example"    303, Location: /./%2F%2Fevil.example, paused 600 s
server errors: none
