<?php
// Publishes one Mercure update with Symfony's Mercure component (Debian's php-symfony-mercure), as a Symfony
// application does, and prints the ID the hub answered. Used by MercureClientsIT.
// Usage: php mercure-publish.php <hub URL> <publisher JWT> <update as JSON: {"topics":[...],"data":...,"private":bool,"id":...,"type":...,"retry":int}>
require_once 'Symfony/Component/Mercure/autoload.php';

use Symfony\Component\Mercure\Hub;
use Symfony\Component\Mercure\Jwt\StaticTokenProvider;
use Symfony\Component\Mercure\Update;

[, $url, $jwt, $json] = $argv;
$u = json_decode($json, true, 512, JSON_THROW_ON_ERROR);
$hub = new Hub($url, new StaticTokenProvider($jwt));
echo $hub->publish(new Update($u['topics'], $u['data'] ?? '', $u['private'] ?? false, $u['id'] ?? null, $u['type'] ?? null, $u['retry'] ?? null));
