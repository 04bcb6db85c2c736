--TEST--
INI beanstalk.*: values that are not a number of seconds from 0 to 31536000 are refused and the old value stays
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
beanstalk.connect_timeout=-1
--FILE--
<?php
require __DIR__ . '/server.inc';
// A bad value in php.ini leaves the default.
var_dump(ini_get('beanstalk.connect_timeout'));
ini_set('beanstalk.timeout', '2.5');
foreach (['-1', '-0.5', 'abc', '', '1 s', '31536001', '1e10', 'NAN', 'INF', '0x10', '99999999999999999999'] as $value) {
    var_dump(ini_set('beanstalk.timeout', $value));
}
var_dump(ini_get('beanstalk.timeout'));
foreach (['0', '31536000', '0.001', '1e3', ' 7'] as $value) {
    ini_set('beanstalk.connect_timeout', $value);
    var_dump(ini_get('beanstalk.connect_timeout'));
}
?>
--EXPECT--
string(3) "1.0"
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
string(3) "2.5"
string(1) "0"
string(8) "31536000"
string(5) "0.001"
string(3) "1e3"
string(2) " 7"
