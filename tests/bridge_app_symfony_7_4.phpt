--TEST--
Symfony 7.4 application (a kernel with framework-bundle, console and messenger; the bridge from its release zip through an artifact repository): messenger:consume runs sent, delayed and retried messages, messenger:stats, the failure transport and messenger:failed:retry, --keepalive
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/bridge_app.inc';
if ($why = bridge_app_skip_reason('symfony-7.4')) die("skip $why");
?>
--FILE--
<?php
require __DIR__ . '/bridge_app_symfony.inc';
bridge_app_symfony('symfony-7.4');
?>
--EXPECT--
DSN: beanstalk-ext://SERVER?tube_name=messages&timeout=5&ttr=90
-- bin/console app:dispatch scenario: 10 messages, one with a DelayStamp, one failing --
sent 12 messages, 10 of the first 10 with a TransportMessageIdStamp
exit 0
-- bin/console messenger:stats --
----------- -------
Transport Count
----------- -------
async 11
slow 0
failed 0
----------- -------
exit 0
-- bin/console messenger:consume async --limit=14 (retries: 2, 1 s apart) --
exit 0
msg-1..10 each handled once: yes
late handled
failing handled
failing handled
failing handled
late handled 2 s or more after its dispatch: yes
failing: its tries 1 s or more apart: yes
tube messages: ready 0, delayed 0, reserved 0, buried 0
tube failed: ready 1, delayed 0, reserved 0, buried 0
-- bin/console messenger:failed:retry --force --
exit 0; all failed messages handled
failing handled
tube failed: ready 0, delayed 0, reserved 0, buried 0
-- bin/console messenger:consume slow --keepalive=1: a 5 s handler, ttr 2 --
exit 0
slow handled after 5 s
job-timeouts: 0, touches: 3 or more
tube slow: ready 0, delayed 0, reserved 0, buried 0
-- 1000 messages: app:dispatch many, messenger:consume --limit=1000 --
dispatched 1000
exit 0
exit 0, messages left: 0
