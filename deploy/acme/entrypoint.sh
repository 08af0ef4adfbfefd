#!/bin/sh
# The nginx image runs this before nginx starts (/docker-entrypoint.d/): a loop beside
# nginx that runs deploy/acme/certificates every 15 minutes (the systemd recipe's
# lhh-certificates.timer). It reloads nginx in this container when a certificate or a
# server block changed. Without METRICS_TOKEN and ACME_EMAIL own domains get no
# certificate, and the loop says so once.
set -eu
if [ -z "${METRICS_TOKEN:-}" ] || [ -z "${ACME_EMAIL:-}" ]; then
  echo "lhh-certificates: METRICS_TOKEN or ACME_EMAIL unset; own domains get no certificates"
  exit 0
fi
(
  sleep 60  # nginx and the web service first
  while true; do
    python3 /usr/local/bin/lhh-certificates || true
    sleep 900
  done
) &
