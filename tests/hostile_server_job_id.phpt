--TEST--
A server that answers with a job id PHP cannot hold (over 2^63-1) or that no job has (0): ProtocolException, the connection is dropped, and the next call works on a new one
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

$replies = [
    ['put', "INSERTED 18446744073709551615\r\n"],
    ['put', "INSERTED 18446744073709551616\r\n"],
    ['put', "INSERTED 9223372036854775808\r\n"],
    ['put', "INSERTED 0\r\n"],
    ['put', "BURIED 0\r\n"],
    ['reserve', "RESERVED 0 1\r\nx\r\n"],
    ['reserve', "RESERVED 9223372036854775808 1\r\nx\r\n"],
    ['peek', "FOUND 0 1\r\nx\r\n"],
];
$script = [];
foreach ($replies as $reply) {
    // Each bad reply, then a good one on the next connection.
    $script[] = $reply;
    $script[] = ['put', "INSERTED 9223372036854775807\r\n"];
}
$fake = new BsFakeServer($script);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 0.5]);
foreach ($replies as [$verb, $reply]) {
    echo '-- ', json_encode($reply), " --\n";
    $t = microtime(true);
    try {
        match ($verb) {
            'put' => $q->put('x'),
            'reserve' => $q->reserve(),
            'peek' => $q->peek(1),
        };
        echo "no exception\n";
    } catch (Beanstalk\Exception $e) {
        echo $e::class, ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
        echo 'at once: ', bs_within(microtime(true) - $t, 0, 0.4), "\n";
    }
    $connections = $fake->connections();
    var_dump($q->put('y'));
    echo 'on a new connection: ', $fake->connections() === $connections + 1 ? 'yes' : 'no', "\n";
}
// The first connection, and one after each bad reply.
var_dump($fake->connections());
?>
--EXPECT--
-- "INSERTED 18446744073709551615\r\n" --
Beanstalk\ProtocolException: put: bad reply from FAKE: job id out of range: "INSERTED 18446744073709551615\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "INSERTED 18446744073709551616\r\n" --
Beanstalk\ProtocolException: put: bad reply from FAKE: job id out of range: "INSERTED 18446744073709551616\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "INSERTED 9223372036854775808\r\n" --
Beanstalk\ProtocolException: put: bad reply from FAKE: job id out of range: "INSERTED 9223372036854775808\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "INSERTED 0\r\n" --
Beanstalk\ProtocolException: put: bad reply from FAKE: job id out of range: "INSERTED 0\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "BURIED 0\r\n" --
Beanstalk\ProtocolException: put: bad reply from FAKE: job id out of range: "BURIED 0\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "RESERVED 0 1\r\nx\r\n" --
Beanstalk\ProtocolException: reserve: bad reply from FAKE: job id out of range: "RESERVED 0 1\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "RESERVED 9223372036854775808 1\r\nx\r\n" --
Beanstalk\ProtocolException: reserve: bad reply from FAKE: job id out of range: "RESERVED 9223372036854775808 1\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
-- "FOUND 0 1\r\nx\r\n" --
Beanstalk\ProtocolException: peek: bad reply from FAKE: job id out of range: "FOUND 0 1\r\n"
at once: yes
int(9223372036854775807)
on a new connection: yes
int(9)
