#!/bin/sh
# Entrypoint of the rabbitmq stand-in (see Dockerfile): writes rabbitmq.conf with the default user
# from RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS (RabbitMQ creates it on a fresh database only,
# as upstream), makes the Erlang cookie once, then runs the server as rabbitmq in the foreground.
set -eu

[ "$1" = rabbitmq-server ] || exec "$@"

data=/var/lib/rabbitmq
if [ "$(id -u)" = 0 ]; then
  cat >/etc/rabbitmq/rabbitmq.conf <<CONF
listeners.tcp.default = 5672
management.tcp.port = 15672
loopback_users.guest = false
default_user = ${RABBITMQ_DEFAULT_USER:-guest}
default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}
CONF
  chmod 640 /etc/rabbitmq/rabbitmq.conf
  chgrp rabbitmq /etc/rabbitmq/rabbitmq.conf
  # A volume written by another image may have other owners.
  [ "$(stat -c %u "$data")" = "$(id -u rabbitmq)" ] || chown -R rabbitmq:rabbitmq "$data"
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$0" "$@"
fi

# Made here, before the server or a healthcheck could race to create it.
if [ ! -s "$data/.erlang.cookie" ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/.erlang.cookie")
fi
exec "$@"
