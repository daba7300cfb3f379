#!/bin/sh
# RabbitMQ of the scs-chaos lab's OpenStack (lab/openstack/config.ts), as a program of the control namespace's
# supervisord.   usage: sh rabbitmq.sh NAME=VALUE...
# Exports each NAME=VALUE (RabbitMQ's settings: node name, ports, directories under <runDir>/openstack/rabbit, and
# SCS_CHAOS_LAB, which its detached epmd inherits so `lab down` can find it), then runs Debian's rabbitmq-server
# and waits for it. It waits instead of exec'ing so that this process keeps the command line supervisord started:
# `lab up` recognises a running program by it. supervisord stops the whole process group (stopasgroup).
for setting in "$@"; do export "$setting"; done
/usr/lib/rabbitmq/bin/rabbitmq-server &
wait $!
