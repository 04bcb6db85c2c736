--TEST--
Queue::__construct() rejects bad addresses and options with ValueError/TypeError
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

echo "-- addresses --\n";
foreach (['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:', '127.0.0.1:12a', ':11300', '::1:11300',
    '[::1', '[::1]x', 'unix://', 'unix://relative/path', 'unix:///' . str_repeat('a', 200), "127.0.0.1\0:11300",
    '/' . str_repeat('a', 200), 'http://127.0.0.1:11300', '127.0.0.1:11300/', 'beanstalkd://127.0.0.1:11300/jobs',
    'localhost/', 'relative/path.sock', 'beanstalkd://127.0.0.1:11300?tube_name=mail', 'tcp://user@127.0.0.1',
    'beanstalkd://u:p@127.0.0.1', '127.0.0.1:11300/x'] as $address) {
    bs_catch(fn() => new Beanstalk\Queue($address));
}
bs_catch(fn() => new Beanstalk\Queue([]));
bs_catch(fn() => new Beanstalk\Queue(['127.0.0.1:11300', 'nowhere:0']));
bs_catch(fn() => new Beanstalk\Queue([11300]));
bs_catch(fn() => new Beanstalk\Queue(new stdClass()));

echo "-- options --\n";
foreach ([
    ['persist' => true],
    ['Timeout' => 1],
    [5],
    ['timeout' => '1'],
    ['timeout' => true],
    ['timeout' => -0.5],
    ['timeout' => NAN],
    ['timeout' => INF],
    ['connect_timeout' => null],
    ['connect_timeout' => 31536001],
    ['tube' => 5],
    ['tube' => ''],
    ['tube' => str_repeat('t', 201)],
    ['tube' => '-x'],
    ['tube' => 'a b'],
    ['watch' => 'one'],
    ['watch' => []],
    ['watch' => ['ok', 7]],
    ['watch' => ['ok', 'n\u{e9}']],
    ['persistent' => 1],
    ['persistent' => null],
    ['persistent' => ''],
    ['persistent' => str_repeat('p', 201)],
] as $options) {
    bs_catch(fn() => new Beanstalk\Queue('127.0.0.1:11300', $options));
}

echo "-- a failed re-construction leaves the queue as it was --\n";
$server = bs_server();
$tube = bs_tube('construct_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
bs_catch(fn() => $q->__construct('127.0.0.1:0'));
bs_catch(fn() => $q->__construct($server, ['tube' => 'bad name']));
var_dump($q->usedTube() === $tube);
$id = $q->put('still here');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
?>
--EXPECT--
-- addresses --
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) port must be a number from 1 to 65535
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) port must be a number from 1 to 65535
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) port must be a number from 1 to 65535
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) port must be a number from 1 to 65535
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) missing or too long host name in address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) an IPv6 address must be written in brackets: [addr]:port
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) missing ']' in address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) expected ':' after ']' in address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) unix socket address needs an absolute path shorter than 108 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) unix socket address needs an absolute path shorter than 108 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) unix socket address needs an absolute path shorter than 108 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) address contains a NUL byte
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) unix socket address needs an absolute path shorter than 108 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) unknown scheme; accepted: host[:port], [ipv6][:port], tcp|beanstalk|beanstalkd://host[:port], unix:///path or /path
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) a path after host:port is not allowed in the address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) a path after host:port is not allowed in the address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) not a server address; accepted: host[:port], [ipv6][:port], tcp|beanstalk|beanstalkd://host[:port], unix:///path or /path
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) not a server address; accepted: host[:port], [ipv6][:port], tcp|beanstalk|beanstalkd://host[:port], unix:///path or /path
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) a query string in the address is not read: options go in the second argument
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) user information (user:password@) is not supported in the address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) user information (user:password@) is not supported in the address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) a path after host:port is not allowed in the address
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) must name at least one server
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) server 1: port must be a number from 1 to 65535
TypeError: Beanstalk\Queue::__construct(): Argument #1 ($servers) must be a string or a list of strings, int found in the list
TypeError: Beanstalk\Queue::__construct(): Argument #1 ($servers) must be of type array|string, stdClass given
-- options --
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) unknown option "persist"
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) unknown option "Timeout"
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) must be an array keyed by option name
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "timeout" must be of type int|float, string given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "timeout" must be of type int|float, bool given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "timeout" must be a number of seconds from 0 to 31536000
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "timeout" must be a number of seconds from 0 to 31536000
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "timeout" must be a number of seconds from 0 to 31536000
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "connect_timeout" must be of type int|float, null given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "connect_timeout" must be a number of seconds from 0 to 31536000
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube" must be of type string, int given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube": tube name must not be empty
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube": tube name must be at most 200 bytes long
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube": tube name must not start with "-"
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube": tube name may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "watch" must be of type array, string given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "watch" must name at least one tube
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "watch" must be a list of strings, int found
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "watch": tube name may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, int given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, null given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be a bool or a pool id of 1 to 200 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be a bool or a pool id of 1 to 200 bytes
-- a failed re-construction leaves the queue as it was --
ValueError: Beanstalk\Queue::__construct(): Argument #1 ($servers) port must be a number from 1 to 65535
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "tube": tube name may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
bool(true)
bool(true)