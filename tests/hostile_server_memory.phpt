--TEST--
Memory under large replies: a body announced over the limit is refused at once without reading it (RSS grows by well under 10 MiB), and the read buffer of a 60 MiB job is let go once the job is taken (RSS back within 20 MiB)
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/status')) die('skip needs /proc/self/status');
preg_match('/^MemAvailable:\s+(\d+) kB/m', (string)@file_get_contents('/proc/meminfo'), $m);
if ((int)($m[1] ?? 0) < 1024 * 1024) die('skip needs 1 GiB of free memory');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';

const MIB = 1 << 20;

/* A byte count in MiB, for the failure text. */
function mib(int $bytes): string
{
    return sprintf('%.1f MiB', $bytes / MIB);
}

echo "-- replies that announce more than the client takes, followed by MiBs of junk --\n";
$fake = new BsFakeServer([
    ['stats', ['junk', "OK 209715200\r\n", 32 * MIB]],
    ['reserve', ['junk', "RESERVED 1 209715200\r\n", 32 * MIB]],
    ['stats', ['junk', '', 32 * MIB]],
    ['put', "INSERTED 7\r\n"],
]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 2]);
foreach (['stats' => fn() => $q->stats(), 'reserve' => fn() => $q->reserve(), 'stats, a line with no end' => fn() => $q->stats()] as $what => $call) {
    $peakKnown = bs_reset_peak();
    $before = bs_memory();
    $t = microtime(true);
    try {
        $call();
        echo "$what: no exception\n";
    } catch (Beanstalk\Exception $e) {
        $took = microtime(true) - $t;
        $after = bs_memory();
        echo "$what: ", $e::class, ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
        echo '  at once: ', bs_within($took, 0, 0.5), "\n";
        // The peak since the call began, where the kernel can tell it;
        // else what is left.
        $growth = ($peakKnown ? $after['peak'] : $after['rss']) - $before['rss'];
        echo '  RSS growth under 10 MiB: ', $growth < 10 * MIB ? 'yes' : 'no: ' . mib($growth), "\n";
    }
}
var_dump($q->put('x'), $fake->connections());

echo "-- a 60 MiB job through a real beanstalkd --\n";
$srv = new BsServer(0, ['-z', (string)(64 * MIB)]);
$tube = bs_tube('hostile_server_memory');
$q = new Beanstalk\Queue($srv->address, ['tube' => $tube, 'watch' => [$tube], 'timeout' => 30]);
$q->put('warm');
$q->delete($q->reserve(0));
$before = bs_memory();
$data = str_repeat("0123456789abcdef", 60 * MIB / 16);
$id = $q->put($data);
$job = $q->reserve(0);
echo 'the job came back whole: ', $job->id === $id && $job->data === $data ? 'yes' : 'no', "\n";
$job->delete();
unset($job, $data);
$after = bs_memory();
echo 'RSS back within 20 MiB: ', $after['rss'] - $before['rss'] < 20 * MIB ? 'yes' : 'no: ' . mib($after['rss'] - $before['rss']) . ' more (peak ' . mib($after['peak'] - $before['rss']) . ' more)', "\n";
// The connection goes on as before.
$q->put('small');
echo 'next: ', $q->reserve(0)->data, "\n";
?>
--EXPECTF--
-- replies that announce more than the client takes, followed by MiBs of junk --
stats: Beanstalk\ProtocolException: stats: bad reply from FAKE: body over the limit of 65536 bytes: "OK 209715200\r\n"
  at once: yes
  RSS growth under 10 MiB: yes
reserve: Beanstalk\ProtocolException: reserve: bad reply from FAKE: body over the limit of 67108864 bytes: "RESERVED 1 209715200\r\n"
  at once: yes
  RSS growth under 10 MiB: yes
stats, a line with no end: Beanstalk\ProtocolException: stats: bad reply from FAKE: reply line too long: "junkjunk%s..."
  at once: yes
  RSS growth under 10 MiB: yes
int(7)
int(4)
-- a 60 MiB job through a real beanstalkd --
the job came back whole: yes
RSS back within 20 MiB: yes
next: small
